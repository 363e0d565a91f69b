/**
 * The insights store contract on the batching store the service uses (over an SQLite file):
 * queued events must be counted, erased and refused after closing as the store's own are.
 */
import * as path from 'path';
import { BufferedInsightsStore } from '../../bot/insights/buffered-insights-store';
import { silentLogger } from '../../bot/logger';
import { SqliteInsightsStore } from '../../storage/sqlite-insights-store';
import { tempDir } from '../helpers/bot-harness';
import { insightsStoreContract } from './insights-store-contract';

const t = tempDir('buffered-insights-');
let n = 0;
afterAll(() => t.cleanup());

const files = new WeakMap<BufferedInsightsStore, string>();
const open = (file: string): BufferedInsightsStore => {
  const store = new BufferedInsightsStore(new SqliteInsightsStore(file), silentLogger);
  files.set(store, file);
  return store;
};

insightsStoreContract(
  'batches over an SQLite file',
  async () => open(path.join(t.dir, `b-${++n}.sqlite`)),
  // Closing writes what is still queued: the events are in the file when it is opened again.
  async (previous) => {
    await previous.close();
    return open(files.get(previous as BufferedInsightsStore)!);
  },
);
