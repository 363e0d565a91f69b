/**
 * Keeps conversations' texts only `TRANSCRIPT_RETENTION_DAYS` days (privacy by design, RGPD
 * art. 5-1-e): a job, run at start and then every `RETENTION_SWEEP_MINUTES`, deletes
 *
 * - Direct Line conversations whose last activity is older, with their activities;
 * - bot state (language, dialog position) not written for that long;
 * - the transcripts and free texts (summary, contact, message, comment, the person's
 *   conversation reference) of handoff requests ended that long ago; the rows stay, so the
 *   indicators keep their times, outcomes and ratings;
 * - unanswered questions (redacted free text) of days older than that; the insights events
 *   (day, pseudonym, outcome, entry, rating) are the indicators' aggregates and stay, so
 *   every count keeps working; only the lists of most frequent unanswered questions shrink
 *   to the retention window.
 *
 * Every step is a delete by date: running it twice, or on several instances at once, deletes
 * nothing more and fails nothing. Counts are logged, never contents.
 */
import type { DirectLineStore } from '../storage/directline-store';
import type { HandoffStore } from '../storage/handoff-store';
import type { InsightsStore } from '../storage/insights-store';
import type { StateStore } from '../storage/port';
import type { Logger } from './logger';
import { parisDay } from './insights/calendar';

/** What one run deleted. */
export interface RetentionReport {
  cutoff: string;
  directLineConversations: number;
  directLineActivities: number;
  stateItems: number;
  handoffRequests: number;
  handoffLines: number;
  unansweredQuestions: number;
  /** Steps that failed (logged; the next run tries again). */
  failed: string[];
}

/** The stores the job deletes from. */
export interface RetentionStores {
  state: StateStore;
  directLine: DirectLineStore;
  handoff: HandoffStore;
  insights: InsightsStore;
}

/** The retention job. */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RetentionReport> | undefined;

  constructor(
    private readonly stores: RetentionStores,
    private readonly days: number,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Deletes what is older than the retention period; a run already going is joined, not doubled. */
  run(): Promise<RetentionReport> {
    if (!this.running) this.running = this.sweep().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Runs now, then every `minutes`. */
  start(minutes: number): void {
    if (this.timer) clearInterval(this.timer);
    void this.run();
    this.timer = setInterval(() => void this.run(), minutes * 60_000);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in progress (the stores are closed next). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private async sweep(): Promise<RetentionReport> {
    const cutoff = new Date(this.now().getTime() - this.days * 86_400_000);
    const cutoffIso = cutoff.toISOString();
    const report: RetentionReport = { cutoff: cutoffIso, directLineConversations: 0, directLineActivities: 0, stateItems: 0, handoffRequests: 0, handoffLines: 0, unansweredQuestions: 0, failed: [] };
    const step = async (name: string, work: () => Promise<void>): Promise<void> => {
      try {
        await work();
      } catch (err) {
        report.failed.push(name);
        this.logger.error('retention step failed; the next run tries again', { step: name, err });
      }
    };
    await step('directLine', async () => {
      const r = await this.stores.directLine.purgeIdleBefore(cutoffIso);
      report.directLineConversations = r.conversations;
      report.directLineActivities = r.activities;
    });
    await step('state', async () => {
      report.stateItems = await this.stores.state.deleteIdleBefore(cutoffIso);
    });
    await step('handoff', async () => {
      const r = await this.stores.handoff.purgeEndedBefore(cutoffIso);
      report.handoffRequests = r.requests;
      report.handoffLines = r.lines;
    });
    await step('insights', async () => {
      // Whole Europe/Paris days, the insights' unit: a day goes once all of it is older than the limit.
      report.unansweredQuestions = await this.stores.insights.purgeUnansweredBefore(parisDay(cutoff));
    });
    this.logger.info('retention: expired data deleted', { days: this.days, ...report });
    return report;
  }
}
