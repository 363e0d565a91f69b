import * as path from 'path';
import { SqliteKnowledgeStore } from '../../storage/sqlite-knowledge-store';
import { tempDir } from '../helpers/bot-harness';
import { knowledgeStoreContract } from './knowledge-store-contract';

const t = tempDir('knowledge-store-');
let n = 0;
afterAll(() => t.cleanup());

knowledgeStoreContract(
  'SQLite file',
  async () => new SqliteKnowledgeStore(path.join(t.dir, `k-${++n}.sqlite`)),
  async (previous) => {
    const file = (previous as SqliteKnowledgeStore).file;
    await previous.close();
    return new SqliteKnowledgeStore(file);
  },
);
