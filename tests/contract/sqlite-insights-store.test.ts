import * as path from 'path';
import { SqliteInsightsStore } from '../../storage/sqlite-insights-store';
import { tempDir } from '../helpers/bot-harness';
import { insightsStoreContract } from './insights-store-contract';

const t = tempDir('insights-store-');
let n = 0;
afterAll(() => t.cleanup());

insightsStoreContract(
  'SQLite file',
  async () => new SqliteInsightsStore(path.join(t.dir, `i-${++n}.sqlite`)),
  async (previous) => {
    const file = (previous as SqliteInsightsStore).file;
    await previous.close();
    return new SqliteInsightsStore(file);
  },
);
