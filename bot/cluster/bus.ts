/**
 * What one instance tells the others: an activity appended to a Direct Line conversation
 * (the instance holding the person's WebSocket pushes it), a knowledge revision published
 * (every instance serves it). One instance alone needs no bus ({@link LocalBus}); several
 * instances share PostgreSQL and use its LISTEN/NOTIFY ({@link PgBus}): no other service
 * to run, and a notification is sent only when its transaction commits.
 */
import { randomBytes } from 'crypto';
import { Client, Pool } from 'pg';
import type { Logger } from '../logger';

/** The channels of the bus. */
export type BusChannel = 'dl_activity' | 'knowledge_published';

/** A message on the bus; `from` is the sending instance, which ignores its own. */
export interface BusMessage {
  from: string;
  body: Record<string, unknown>;
}

/** The bus port. */
export interface ClusterBus {
  /** This instance's id. */
  readonly instance: string;
  publish(channel: BusChannel, body: Record<string, unknown>): Promise<void>;
  /** Calls `handler` with what other instances publish on a channel. */
  on(channel: BusChannel, handler: (body: Record<string, unknown>) => void): void;
  close(): Promise<void>;
}

/** Largest NOTIFY payload PostgreSQL accepts is 8000 bytes; bigger bodies are refused here. */
export const MAX_BUS_PAYLOAD = 7800;

/** A bus for a single instance: nobody else to tell. */
export class LocalBus implements ClusterBus {
  readonly instance = randomBytes(6).toString('hex');
  async publish(): Promise<void> {}
  on(): void {}
  async close(): Promise<void> {}
}

/** LISTEN/NOTIFY on the shared PostgreSQL, with a listening connection that reconnects. */
export class PgBus implements ClusterBus {
  readonly instance = randomBytes(6).toString('hex');
  private readonly handlers = new Map<BusChannel, Array<(body: Record<string, unknown>) => void>>();
  private listener: Client | undefined;
  private closed = false;
  private retry = 500;

  private constructor(private readonly url: string, private readonly pool: Pool, private readonly logger: Logger) {}

  /** Opens the bus and its listening connection. */
  static async open(url: string, pool: Pool, logger: Logger): Promise<PgBus> {
    const bus = new PgBus(url, pool, logger);
    await bus.listen();
    return bus;
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.url });
    client.on('notification', (n) => this.deliver(n.channel as BusChannel, n.payload));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    await client.connect();
    await client.query('LISTEN dl_activity');
    await client.query('LISTEN knowledge_published');
    this.listener = client;
    this.retry = 500;
  }

  /** A lost listening connection is reopened with backoff; messages meanwhile are missed (polling covers them). */
  private lost(client: Client, err: Error): void {
    if (this.closed || this.listener !== client) return;
    this.listener = undefined;
    this.logger.warn('cluster bus connection lost; reconnecting', { reason: err.message, retryMs: this.retry });
    const again = (): void => {
      if (this.closed) return;
      this.listen().catch((e: Error) => {
        this.retry = Math.min(this.retry * 2, 30_000);
        this.logger.warn('cluster bus reconnect failed', { reason: e.message, retryMs: this.retry });
        setTimeout(again, this.retry).unref();
      });
    };
    setTimeout(again, this.retry).unref();
  }

  private deliver(channel: BusChannel, payload: string | undefined): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload ?? '');
    } catch {
      parsed = undefined;
    }
    // knowledge_published is also sent by the knowledge store itself, as a bare revision id.
    const message: BusMessage =
      parsed && typeof parsed === 'object' && typeof (parsed as BusMessage).from === 'string' && typeof (parsed as BusMessage).body === 'object'
        ? (parsed as BusMessage)
        : { from: '', body: { revision: Number(payload) } };
    if (message.from === this.instance) return;
    for (const h of this.handlers.get(channel) ?? []) {
      try {
        h(message.body);
      } catch (err) {
        this.logger.error('cluster bus handler failed', { channel, err });
      }
    }
  }

  async publish(channel: BusChannel, body: Record<string, unknown>): Promise<void> {
    const payload = JSON.stringify({ from: this.instance, body } satisfies BusMessage);
    if (Buffer.byteLength(payload) > MAX_BUS_PAYLOAD) throw new Error(`bus payload too large (${Buffer.byteLength(payload)} bytes)`);
    await this.pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  on(channel: BusChannel, handler: (body: Record<string, unknown>) => void): void {
    const list = this.handlers.get(channel) ?? [];
    list.push(handler);
    this.handlers.set(channel, list);
  }

  async close(): Promise<void> {
    this.closed = true;
    const l = this.listener;
    this.listener = undefined;
    await l?.end().catch(() => undefined);
  }
}
