/**
 * Watches the knowledge folder and calls back once a burst of changes has settled, so that
 * an editor saving several files triggers one reload.
 */
import * as fs from 'fs';

/** A running watcher. */
export interface Watcher {
  close(): void;
}

/** Calls `onChange` after changes under `dir` settle for `quietMs`. */
export function watchFolder(dir: string, onChange: () => void, onError: (err: Error) => void, quietMs = 300): Watcher {
  let timer: NodeJS.Timeout | undefined;
  let fsw: fs.FSWatcher | undefined;
  try {
    fsw = fs.watch(dir, { recursive: true, persistent: false }, () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(onChange, quietMs);
    });
    fsw.on('error', onError);
  } catch (err) {
    onError(err as Error);
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      fsw?.close();
    },
  };
}
