import * as fs from 'fs';
import * as path from 'path';
import { watchFolder } from '../../bot/content-watcher';
import { tempDir } from '../helpers/bot-harness';

it('calls back once after a burst of changes in the folder or its subfolders settles', async () => {
  const t = tempDir('watch-');
  fs.mkdirSync(path.join(t.dir, 'procedures'));
  let calls = 0;
  const w = watchFolder(t.dir, () => calls++, (err) => { throw err; }, 100);
  try {
    for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(t.dir, 'procedures', `e${i}.yaml`), `id: e${i}\n`);
    await new Promise((r) => setTimeout(r, 600));
    expect(calls).toBe(1);
  } finally {
    w.close();
    t.cleanup();
  }
});
