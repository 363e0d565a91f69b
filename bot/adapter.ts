/**
 * The CloudAdapter and its turn error handler. With an empty MicrosoftAppId (MultiTenant)
 * the adapter accepts unauthenticated requests and signs nothing, as for the Emulator;
 * with an app id it validates every incoming token.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, TurnContext } from 'botbuilder';
import { Config } from './config';
import { Logger } from './logger';
import { pseudonym } from './redact';
import type { Translate } from '../dialogs/orientation-dialog';
import type { BotState } from './state';

/** Creates the adapter for a configuration. */
export function createAdapter(config: Config, logger: Logger, translate: Translate, state: BotState): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.microsoftAppId,
    MicrosoftAppPassword: config.microsoftAppPassword,
    MicrosoftAppType: config.microsoftAppType,
    MicrosoftAppTenantId: config.microsoftAppTenantId,
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error): Promise<void> => {
    const a = context.activity;
    logger.error('turn failed', {
      err: error,
      code: (error as { code?: unknown }).code,
      activityType: a.type,
      channel: a.channelId,
      conversation: pseudonym(a.conversation?.id),
    });
    let lang = a.locale ?? 'fr';
    try {
      lang = (await state.language.get(context)) ?? lang;
    } catch {
      // The state itself may be what failed; the activity's locale will do.
    }
    // The dialog state of a failed turn may be half-written: drop it so the next message
    // starts cleanly, keeping the conversation usable.
    try {
      await state.conversationState.delete(context);
    } catch (err) {
      logger.warn('could not reset conversation state after a failed turn', { err, conversation: pseudonym(a.conversation?.id) });
    }
    try {
      await context.sendActivity(translate(lang)('error.turn'));
    } catch (err) {
      logger.error('could not send the apology after a failed turn', { err, conversation: pseudonym(a.conversation?.id) });
    }
  };
  return adapter;
}
