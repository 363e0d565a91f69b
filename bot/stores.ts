/**
 * Opens every store the service needs: SQLite files in the data folder (the embedded
 * default, one instance), or PostgreSQL when `DATABASE_URL` is set (several instances
 * sharing it, with the LISTEN/NOTIFY bus between them). Migrations run here, at start.
 */
import * as path from 'path';
import type { Pool } from 'pg';
import type { Config } from './config';
import type { Logger } from './logger';
import { ClusterBus, LocalBus, PgBus } from './cluster/bus';
import type { StateStore } from '../storage/port';
import type { DirectLineStore } from '../storage/directline-store';
import type { HandoffStore } from '../storage/handoff-store';
import type { InsightsStore } from '../storage/insights-store';
import type { KnowledgeStore } from '../storage/knowledge-store';
import { SqliteStateStore } from '../storage/sqlite-storage';
import { SqliteDirectLineStore } from '../storage/sqlite-directline-store';
import { SqliteHandoffStore } from '../storage/sqlite-handoff-store';
import { SqliteInsightsStore } from '../storage/sqlite-insights-store';
import { SqliteKnowledgeStore } from '../storage/sqlite-knowledge-store';
import { openPool } from '../storage/pg';
import { PgStateStore } from '../storage/pg-state-store';
import { PgDirectLineStore } from '../storage/pg-directline-store';
import { PgHandoffStore } from '../storage/pg-handoff-store';
import { PgInsightsStore } from '../storage/pg-insights-store';
import { PgKnowledgeStore } from '../storage/pg-knowledge-store';

/** Every store, the bus, and how to close them. */
export interface Stores {
  kind: 'sqlite' | 'postgres';
  state: StateStore;
  directLine: DirectLineStore;
  handoff: HandoffStore;
  insights: InsightsStore;
  knowledge: KnowledgeStore;
  bus: ClusterBus;
  /** Closes the stores and the database connections. */
  close(): Promise<void>;
}

/** Stores given by a caller (tests) replace the configured ones. */
export type StoreOverrides = Partial<Pick<Stores, 'state' | 'directLine' | 'handoff' | 'insights' | 'knowledge' | 'bus'>>;

/**
 * Opens the configured stores. With PostgreSQL, an unreachable database or a failed
 * migration throws `StorageError` (the caller retries with backoff).
 */
export async function openStores(config: Config, logger: Logger, overrides: StoreOverrides = {}, now?: () => Date): Promise<Stores> {
  if (!config.databaseUrl) {
    const dir = config.dataDir;
    const state = overrides.state ?? new SqliteStateStore(path.join(dir, 'bot.sqlite'));
    const directLine = overrides.directLine ?? new SqliteDirectLineStore(path.join(dir, 'directline.sqlite'));
    const handoff = overrides.handoff ?? new SqliteHandoffStore(path.join(dir, 'handoff.sqlite'), now);
    const insights = overrides.insights ?? new SqliteInsightsStore(path.join(dir, 'insights.sqlite'));
    const knowledge = overrides.knowledge ?? new SqliteKnowledgeStore(path.join(dir, 'knowledge.sqlite'), now);
    const bus = overrides.bus ?? new LocalBus();
    return {
      kind: 'sqlite',
      state,
      directLine,
      handoff,
      insights,
      knowledge,
      bus,
      async close() {
        await Promise.all([state.close(), directLine.close(), handoff.close(), insights.close(), knowledge.close(), bus.close()]);
      },
    };
  }
  const pool: Pool = openPool(config.databaseUrl, { max: config.databasePoolSize, onError: (err) => logger.warn('idle database connection lost', { reason: err.message }) });
  try {
    const state = overrides.state ?? (await PgStateStore.open(pool));
    const directLine = overrides.directLine ?? (await PgDirectLineStore.open(pool));
    const handoff = overrides.handoff ?? (await PgHandoffStore.open(pool, { ownsPool: false, now }));
    const insights = overrides.insights ?? (await PgInsightsStore.open(pool, { ownsPool: false }));
    const knowledge = overrides.knowledge ?? (await PgKnowledgeStore.open(pool, { ownsPool: false, now }));
    const bus = overrides.bus ?? (await PgBus.open(config.databaseUrl, pool, logger));
    logger.info('storage: PostgreSQL', { pool: config.databasePoolSize });
    return {
      kind: 'postgres',
      state,
      directLine,
      handoff,
      insights,
      knowledge,
      bus,
      async close() {
        await bus.close();
        await Promise.all([state.close(), directLine.close(), handoff.close(), insights.close(), knowledge.close()]);
        await pool.end();
      },
    };
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}
