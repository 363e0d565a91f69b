/**
 * `npm run migrate`: applies the PostgreSQL migrations of every store and exits (the
 * service also applies them at start; this lets an operator do it first, in a release step).
 * Safe to run twice or while instances start: migrations run under an advisory lock.
 */
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { openStores } from './stores';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (!config.databaseUrl) {
    logger.info('no DATABASE_URL: SQLite stores create their tables when opened; nothing to migrate');
    return;
  }
  const stores = await openStores(config, logger);
  await stores.close();
  logger.info('migrations applied');
}

main().catch((err: unknown) => {
  process.stderr.write(`migrate: ${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
