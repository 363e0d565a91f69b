import * as fs from 'fs';
import * as path from 'path';

/** The project root: the nearest folder above this file holding `package.json` (works from `dist/` too). */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
}

/** The shipped knowledge content folder. */
export function defaultContentDir(): string {
  return path.join(projectRoot(), 'knowledge', 'content');
}
