/**
 * Entry point: reads the configuration, starts the service, stops it cleanly on SIGINT or
 * SIGTERM. An invalid configuration or knowledge base stops the start with its report.
 */
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { startApp } from './server';
import { openStores, Stores } from './stores';
import { StorageError } from '../storage/port';
import { backoff, WaitingServer } from './waiting-server';
import type { Config } from './config';
import type { Logger } from './logger';

/**
 * Opens the stores; while the database is unreachable, answers "not ready" on the port and
 * retries with backoff. Anything else (a wrong URL, a failed migration) stops the start.
 */
async function storesWithRetry(config: Config, logger: Logger): Promise<Stores> {
  let waiting: WaitingServer | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      const stores = await openStores(config, logger);
      await waiting?.close();
      return stores;
    } catch (err) {
      if (!(err instanceof StorageError) || err.code !== 'STORAGE_UNAVAILABLE') throw err;
      const delay = backoff(attempt);
      logger.error('database unreachable at start; retrying', { attempt: attempt + 1, retryInMs: delay, reason: err.message });
      if (!waiting) {
        waiting = new WaitingServer();
        await waiting.listen(config.port, config.host);
      }
      waiting.waitingFor(`database unreachable: ${err.message}`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
import { KnowledgeValidationError } from '../knowledge/errors';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const stores = await storesWithRetry(config, logger);
  let app;
  try {
    app = await startApp(config, logger, { stores });
  } catch (err) {
    if (err instanceof StorageError) {
      process.stderr.write(`storage error: ${err.message}\n`);
      logger.error('start refused: storage', { code: err.code, reason: err.message });
      process.exit(4);
    }
    if (err instanceof KnowledgeValidationError) {
      process.stderr.write(`${err.message}\n`);
      logger.error('start refused: invalid knowledge base', { code: err.code, problems: err.problems.length });
      process.exit(3);
    }
    throw err;
  }
  const stop = (signal: string): void => {
    logger.info('stopping', { signal });
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('error while stopping', { err });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
