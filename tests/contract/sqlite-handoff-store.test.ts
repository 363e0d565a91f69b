import * as path from 'path';
import { SqliteHandoffStore } from '../../storage/sqlite-handoff-store';
import { tempDir } from '../helpers/bot-harness';
import { handoffStoreContract } from './handoff-store-contract';

const t = tempDir('handoff-store-');
let n = 0;
afterAll(() => t.cleanup());

handoffStoreContract(
  'SQLite file',
  async () => new SqliteHandoffStore(path.join(t.dir, `h-${++n}.sqlite`)),
  async (previous) => {
    const file = (previous as SqliteHandoffStore).file;
    await previous.close();
    return new SqliteHandoffStore(file);
  },
);
