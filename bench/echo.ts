/**
 * The baseline of the service benchmarks: an echo bot on the service's own server. It is
 * started by `startApp` like the service, so it runs behind the same restify server and
 * middleware (security headers, body limits, activity checks, abuse limits, token check,
 * metrics), the same CloudAdapter, the same SQLite state storage read and written every
 * turn, and the same built-in Direct Line channel. Only the bot differs: it replies with
 * the text it got, in one activity.
 */
import { Activity, ActivityHandler, MessageFactory, TurnContext } from 'botbuilder';
import { Config } from '../bot/config';
import { translator } from '../bot/i18n';
import { silentLogger } from '../bot/logger';
import { BotState } from '../bot/state';
import { App, startApp } from '../bot/server';
import { entryCard } from '../dialogs/cards/entry-card';
import { loadKnowledge } from '../knowledge/load';

/**
 * Replies with the text (or, given `reply`, with a copy of that activity); counts the turns
 * in conversation state (read and written every turn).
 */
export class EchoBot extends ActivityHandler {
  constructor(private readonly state: BotState, reply?: Partial<Activity>) {
    super();
    const turns = state.conversationState.createProperty<number>('turns');
    // A copy per turn: the adapter fills in the conversation's addresses on what it sends.
    const json = reply ? JSON.stringify(reply) : undefined;
    this.onMessage(async (context, next) => {
      const n = (await turns.get(context, 0)) ?? 0;
      await turns.set(context, n + 1);
      await context.sendActivity(json ? (JSON.parse(json) as Partial<Activity>) : `${context.activity.text ?? ''}`);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.state.saveChanges(context);
  }
}

/** Starts the echo bot on the service's server, with the service's configuration. */
export function startEchoApp(config: Config): Promise<App> {
  return startApp(config, silentLogger, { bot: (state) => new EchoBot(state) });
}

/**
 * The service's answer as the orientation bot sends it (one activity: the entry's card
 * closing on "did this help?", Oui / Non as suggestions), for the entry whose French card
 * is the median in size among the shipped entries: a typical answer, not a chosen one.
 */
export function typicalAnswer(contentDir: string): Partial<Activity> {
  const kb = loadKnowledge(contentDir);
  const t = translator('fr');
  const card = (id: string) => entryCard(kb, kb.byId.get(id)!, 'fr', t, { closingQuestion: t('feedback.question') });
  const bySize = kb.entries.map((e) => ({ id: e.id, size: JSON.stringify(card(e.id)).length })).sort((a, b) => a.size - b.size || a.id.localeCompare(b.id));
  const reply = MessageFactory.suggestedActions([t('feedback.yes'), t('feedback.no')]);
  reply.attachments = [card(bySize[Math.floor(bySize.length / 2)]!.id)];
  return reply;
}

/**
 * A second point of comparison (not the baseline): the echo bot answering every
 * message with a typical answer of the service ({@link typicalAnswer}), built once. It costs
 * what sending an answer costs, and nothing of finding it: the gap between it and the echo
 * bot is the answer's size, the gap between the service and it the service's own work.
 */
export function startAnswerEchoApp(config: Config): Promise<App> {
  const reply = typicalAnswer(config.contentDir);
  return startApp(config, silentLogger, { bot: (state) => new EchoBot(state, reply) });
}
