/**
 * Entry point: reads the configuration, starts the service, stops it cleanly on SIGINT or
 * SIGTERM. An invalid configuration or knowledge base stops the start with its report.
 */
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { startApp } from './server';
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
  let app;
  try {
    app = await startApp(config, logger);
  } catch (err) {
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
