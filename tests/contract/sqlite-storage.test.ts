import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SqliteStateStore } from '../../storage/sqlite-storage';
import { storageContract } from './storage-contract';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-sqlite-'));
let n = 0;
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

storageContract(
  'SQLite file',
  async () => new SqliteStateStore(path.join(dir, `state-${++n}.sqlite`)),
  async (previous) => {
    const file = (previous as SqliteStateStore).file;
    await previous.close();
    return new SqliteStateStore(file);
  },
);
