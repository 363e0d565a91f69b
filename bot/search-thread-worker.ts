/**
 * The search thread's body (`worker_threads`): builds the knowledge base and its search from
 * the content files the main thread serves, and ranks the messages it is sent. It holds
 * nothing else: no state, no storage, no network.
 */
import { parentPort } from 'worker_threads';
import { buildKnowledge, ContentFiles } from '../knowledge/load';
import { KnowledgeSearch } from '../knowledge/search/engine';
import type { ToSearchThread, FromSearchThread } from './search-thread';

const port = parentPort;
if (!port) throw new Error('search-thread-worker runs as a worker thread only');

let served: { version: number; search: KnowledgeSearch } | undefined;
const reply = (message: FromSearchThread): void => port.postMessage(message);

port.on('message', (message: ToSearchThread) => {
  if (message.type === 'load') {
    const built = buildKnowledge(message.files as ContentFiles);
    if (!built.ok) {
      // The main thread validated these files before serving them: this is a bug, not content.
      reply({ type: 'loadFailed', version: message.version, problems: built.problems.length });
      return;
    }
    served = { version: message.version, search: new KnowledgeSearch(built.kb) };
    reply({ type: 'loaded', version: message.version });
    return;
  }
  if (message.type === 'rank') {
    if (!served || served.version !== message.version) {
      reply({ type: 'ranked', id: message.id, error: 'version' });
      return;
    }
    try {
      reply({ type: 'ranked', id: message.id, outcome: served.search.rank(message.text, message.locale) });
    } catch (err) {
      reply({ type: 'ranked', id: message.id, error: (err as Error).message });
    }
  }
});
