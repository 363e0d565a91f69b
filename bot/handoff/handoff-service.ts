/**
 * The handoff core, independent of channels: opening hours of the agents, the queue with
 * positions and estimated waits (from recent waits), cancelling, messages left when the desk
 * is closed. The agents' side (Teams, the console) is told through {@link AgentDesk}.
 */
import { redact } from '../redact';
import type { WeeklyHours } from '../../knowledge/schema';
import { isOpen, nextOpening } from '../../knowledge/opening-hours';
import type { HandoffRequest, HandoffStore } from '../../storage/handoff-store';
import type { HandoffAsk, HandoffOutcome, HandoffPort } from '../../dialogs/handoff-port';

/** Where agents learn about requests (a Teams channel, the console). */
export interface AgentDesk {
  requestQueued(request: HandoffRequest, position: number): Promise<void>;
  messageLeft(request: HandoffRequest): Promise<void>;
}

/** Settings of the handoff core. */
export interface HandoffSettings {
  /** When agents answer (Europe/Paris, closed on public holidays). */
  hours: WeeklyHours;
  /** Estimated wait per person ahead when no recent wait is known, in minutes. */
  defaultWaitMinutes: number;
}

/** The handoff core. */
export class HandoffService implements HandoffPort {
  constructor(
    private readonly store: HandoffStore,
    private readonly settings: HandoffSettings,
    private readonly desk: AgentDesk,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Whether agents answer now. */
  isOpen(): boolean {
    return isOpen(this.settings.hours, this.now());
  }

  /** Estimated wait in minutes for a position in the queue, from the median of recent waits. */
  async eta(position: number): Promise<number> {
    const waits = (await this.store.recentWaits(20)).sort((a, b) => a - b);
    const median = waits.length ? waits[Math.floor(waits.length / 2)]! / 60 : this.settings.defaultWaitMinutes;
    return Math.max(1, Math.round(median * position));
  }

  async request(ask: HandoffAsk): Promise<HandoffOutcome> {
    const existing = await this.store.active(ask.conversationId);
    if (existing && existing.state === 'waiting') {
      const position = await this.store.position(existing.id);
      return { kind: 'queued', request: existing, position, etaMinutes: await this.eta(position) };
    }
    if (!this.isOpen()) return { kind: 'closed', reopensAt: nextOpening(this.settings.hours, this.now()) };
    const request = await this.store.create({ ...ask, state: 'waiting' });
    await this.store.appendTranscript(request.id, { from: 'person', text: ask.summary });
    const position = await this.store.position(request.id);
    await this.desk.requestQueued(request, position);
    return { kind: 'queued', request, position, etaMinutes: await this.eta(position) };
  }

  async status(conversationId: string): Promise<{ request: HandoffRequest; position: number; etaMinutes: number } | undefined> {
    const request = await this.store.active(conversationId);
    if (!request || request.state !== 'waiting') return undefined;
    const position = await this.store.position(request.id);
    return { request, position, etaMinutes: await this.eta(position) };
  }

  async cancel(conversationId: string): Promise<boolean> {
    const request = await this.store.active(conversationId);
    if (!request || request.state !== 'waiting') return false;
    await this.store.setState(request.id, 'cancelled');
    return true;
  }

  async notePerson(conversationId: string, text: string): Promise<void> {
    const request = await this.store.active(conversationId);
    if (request) await this.store.appendTranscript(request.id, { from: 'person', text });
  }

  latest(conversationId: string): Promise<HandoffRequest | undefined> {
    return this.store.latest(conversationId);
  }

  async rate(requestId: string, rating: number, comment?: string): Promise<void> {
    // The comment is kept with the rating (aggregates): identifiers are removed first.
    await this.store.rate(requestId, rating, comment === undefined ? undefined : redact(comment).slice(0, 1000));
  }

  async leaveMessage(ask: HandoffAsk & { contact: string; message: string }): Promise<void> {
    const request = await this.store.create({ ...ask, state: 'message' });
    await this.store.appendTranscript(request.id, { from: 'person', text: ask.message });
    await this.desk.messageLeft(request);
  }
}
