/**
 * Structured JSON logs (pino), one line per event, on standard output. Callers pass
 * identifiers through {@link pseudonym} and free text through {@link redact}; as a second
 * line of defence, fields that usually carry personal data are censored by pino itself.
 */
import pino from 'pino';
import { Writable } from 'stream';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A minimal structured logger (the service depends on this, not on pino). */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger adding fields to every line (a request id, for instance). */
  child?(fields: Record<string, unknown>): Logger;
}

/** Fields censored wherever they appear: message texts, contacts, credentials. */
export const CENSORED_FIELDS = ['text', 'password', 'token', 'authorization', 'contact', 'email', 'phone', 'message.text', '*.text', '*.password', '*.token', '*.authorization', '*.contact'];

function wrap(p: pino.Logger): Logger {
  const emit = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>): void => {
    if (fields) p[level](fields, msg);
    else p[level](msg);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error'), child: (fields) => wrap(p.child(fields)) };
}

/** Writes JSON lines at or above `level` to `write` (standard output by default). */
export function createLogger(level: LogLevel = 'info', write?: (line: string) => void): Logger {
  const destination = write
    ? new Writable({
        write(chunk: Buffer, _enc, done) {
          for (const line of chunk.toString().split('\n')) if (line) write(`${line}\n`);
          done();
        },
      })
    : pino.destination({ sync: true });
  return wrap(
    pino(
      {
        level,
        base: undefined,
        messageKey: 'msg',
        timestamp: () => `,"time":"${new Date().toISOString()}"`,
        formatters: { level: (label) => ({ level: label }) },
        serializers: { err: (e: unknown) => (e instanceof Error ? { name: e.name, code: (e as { code?: unknown }).code, message: e.message, stack: e.stack } : e) },
        redact: { paths: CENSORED_FIELDS, censor: '[redacted]' },
      },
      destination,
    ),
  );
}

/** A logger that keeps nothing (tests that do not look at logs). */
export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
