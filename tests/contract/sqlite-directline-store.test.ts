import * as path from 'path';
import { SqliteDirectLineStore } from '../../storage/sqlite-directline-store';
import { tempDir } from '../helpers/bot-harness';
import { directLineStoreContract } from './directline-store-contract';

const t = tempDir('dl-store-');
let n = 0;
afterAll(() => t.cleanup());

directLineStoreContract(
  'SQLite file',
  async () => new SqliteDirectLineStore(path.join(t.dir, `dl-${++n}.sqlite`)),
  async (previous) => {
    const file = (previous as SqliteDirectLineStore).file;
    await previous.close();
    return new SqliteDirectLineStore(file);
  },
);
