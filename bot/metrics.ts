/**
 * Prometheus metrics (`GET /metrics`): turns and their latency, decisions, HTTP requests,
 * the handoff queue and waits, open WebSockets, errors, the knowledge revision served.
 * Counts only: no identifier and no text ever becomes a label.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The service's metrics. */
export class Metrics {
  readonly registry = new Registry();
  readonly turns = new Counter({ name: 'bot_turns_total', help: 'Turns handled by the bot, by channel', labelNames: ['channel'], registers: [this.registry] });
  readonly turnSeconds = new Histogram({ name: 'bot_turn_duration_seconds', help: 'Time to handle a turn, reply included', labelNames: ['channel'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [this.registry] });
  readonly decisions = new Counter({ name: 'bot_decisions_total', help: 'Decisions on searched messages', labelNames: ['decision'], registers: [this.registry] });
  readonly rankings = new Counter({ name: 'bot_rankings_total', help: 'Messages ranked, by where: on the search thread, or in place on the main thread', labelNames: ['where'], registers: [this.registry] });
  readonly httpSeconds = new Histogram({ name: 'http_request_duration_seconds', help: 'HTTP requests by route pattern', labelNames: ['method', 'route', 'status'], buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5], registers: [this.registry] });
  readonly errors = new Counter({ name: 'bot_errors_total', help: 'Errors by kind', labelNames: ['kind'], registers: [this.registry] });
  readonly queueLength = new Gauge({ name: 'handoff_queue_length', help: 'People waiting for an agent', registers: [this.registry] });
  readonly waitSeconds = new Gauge({ name: 'handoff_recent_wait_median_seconds', help: 'Median wait of the last 20 people taken by an agent', registers: [this.registry] });
  readonly sockets = new Gauge({ name: 'directline_websockets', help: 'Open Direct Line WebSockets on this instance', registers: [this.registry] });
  readonly revision = new Gauge({ name: 'knowledge_revision', help: 'Knowledge revision served by this instance', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Values read at scrape time (queue, waits, sockets, revision). */
  onScrape(update: () => Promise<void>): void {
    this.before = update;
  }

  private before: () => Promise<void> = async () => {};

  /** The metrics in Prometheus text format. */
  async text(): Promise<string> {
    await this.before().catch(() => this.errors.inc({ kind: 'metrics' }));
    return this.registry.metrics();
  }
}
