/**
 * The baseline of the service benchmarks: an echo bot on the service's own server. It is
 * started by `startApp` like the service, so it runs behind the same restify server and
 * middleware (security headers, body limits, activity checks, abuse limits, token check,
 * metrics), the same CloudAdapter, the same SQLite state storage read and written every
 * turn, and the same built-in Direct Line channel. Only the bot differs: it replies with
 * the text it got, in one activity.
 */
import { ActivityHandler, TurnContext } from 'botbuilder';
import { Config } from '../bot/config';
import { silentLogger } from '../bot/logger';
import { BotState } from '../bot/state';
import { App, startApp } from '../bot/server';

/** Replies with the text; counts the turns in conversation state (read and written every turn). */
export class EchoBot extends ActivityHandler {
  constructor(private readonly state: BotState) {
    super();
    const turns = state.conversationState.createProperty<number>('turns');
    this.onMessage(async (context, next) => {
      const n = (await turns.get(context, 0)) ?? 0;
      await turns.set(context, n + 1);
      await context.sendActivity(`${context.activity.text ?? ''}`);
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
