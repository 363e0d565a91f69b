/**
 * The handoff's clock: a request nobody takes in time expires (the person is told and
 * offered the message form); a request whose agent stops answering goes back to the queue,
 * first in line (the person and the agents' thread are told).
 */
import type { HandoffStore } from '../../storage/handoff-store';
import type { Logger } from '../logger';
import type { Relay } from './relay';

/** Delays of the watch. */
export interface WatchSettings {
  /** Minutes a request may wait before it expires. */
  timeoutMinutes: number;
  /** Minutes an agent may leave the person's last message unanswered. */
  agentInactivityMinutes: number;
}

/** Sweeps the queue and the ongoing conversations. */
export class HandoffWatch {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: HandoffStore,
    private readonly relay: Relay,
    private readonly settings: WatchSettings,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Runs a sweep every `seconds`. */
  start(seconds = 30): void {
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.logger.error('handoff sweep failed', { err }));
    }, seconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One sweep; returns what it did. */
  async sweep(): Promise<{ expired: number; requeued: number }> {
    const now = this.now().getTime();
    let expired = 0;
    let requeued = 0;
    for (const r of await this.store.waiting()) {
      if (now - Date.parse(r.createdAt) < this.settings.timeoutMinutes * 60000) continue;
      await this.store.setState(r.id, 'expired');
      const after = (await this.store.get(r.id))!;
      await this.relay.notifyPerson(after, 'handoff.timeout', {}, ['handoff.leaveMessage', 'handoff.noThanks']);
      await this.relay.noticeInThread(after, this.relay.agentsText('teams.expired'));
      expired++;
    }
    for (const r of await this.store.withAgent()) {
      const lines = await this.store.transcript(r.id);
      const lastPerson = [...lines].reverse().find((l) => l.from === 'person');
      const lastAgent = [...lines].reverse().find((l) => l.from === 'agent');
      const since = Math.max(Date.parse(r.takenAt ?? r.createdAt), lastPerson ? Date.parse(lastPerson.at) : 0);
      const unanswered = lastPerson && (!lastAgent || Date.parse(lastAgent.at) < Date.parse(lastPerson.at));
      if (!unanswered || now - since < this.settings.agentInactivityMinutes * 60000) continue;
      await this.relay.requeue(r);
      requeued++;
    }
    return { expired, requeued };
  }
}
