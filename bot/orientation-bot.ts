/**
 * The activity handler, kept thin: a message goes to the agent it is relayed to, to a
 * command ("aide", "recommencer"), or to the dialogs; a new member gets the welcome;
 * anything else is noted and ignored.
 */
import { ActivityHandler, AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue, MessageFactory, TurnContext } from 'botbuilder';
import { DialogContext, DialogSet, DialogTurnStatus } from 'botbuilder-dialogs';
import { Dialog } from 'botbuilder-dialogs';
import { OrientationDialog, Translate } from '../dialogs/orientation-dialog';
import { BotState } from './state';
import { Logger } from './logger';
import { pseudonym } from './redact';
import type { Relay } from './handoff/relay';
import type { TeamsHandler } from './teams/teams-handler';
import type { CommandRouter } from '../dialogs/commands';

/** Where a turn may go besides the dialogs. */
export interface Routes {
  relay: Relay;
  teams: TeamsHandler;
  /** Commands understood at any point ("aide", "recommencer"), before the active dialog. */
  commands?: CommandRouter;
}

/**
 * Where botbuilder-dialogs looks for a turn's memory scopes and path resolvers before
 * building them (`DialogStateManager`; the constant is not exported).
 */
const MEMORY_CONFIGURATION_KEY = 'DialogStateManagerConfiguration';
type MemoryConfiguration = DialogContext['state']['configuration'];

/** The orientation bot. */
export class OrientationBot extends ActivityHandler {
  private readonly dialogs: DialogSet;
  /**
   * The memory scopes of the dialogs, built on the first turn and handed to the next ones:
   * botbuilder builds them again for every dialog context (a few percent of a turn's CPU,
   * issue 8), and these dialogs keep their state in their own objects, never in scopes
   * that depend on the turn. Were the key to change, each turn would build them again.
   */
  private memory: MemoryConfiguration | undefined;

  constructor(
    private readonly state: BotState,
    dialog: OrientationDialog,
    private readonly translate: Translate,
    private readonly logger: Logger,
    children: Dialog[] = [],
    private readonly routes?: Routes,
  ) {
    super();
    this.dialogs = new DialogSet(state.dialogState);
    this.dialogs.add(dialog);
    for (const child of children) this.dialogs.add(child);

    this.onMessage(async (context, next) => {
      if (this.routes && context.activity.channelId === 'msteams') {
        await this.routes.teams.onMessage(context);
        return next();
      }
      const text = context.activity.text;
      if (this.routes && typeof text === 'string' && text.trim() && (await this.relayed(context, text.trim()))) return next();
      if (this.memory) context.turnState.set(MEMORY_CONFIGURATION_KEY, this.memory);
      const dc = await this.dialogs.createContext(context);
      this.memory ??= dc.state.configuration;
      const command = this.routes?.commands?.detect(text);
      if (command) {
        await this.routes!.commands!.run(dc, command);
        return next();
      }
      const result = await dc.continueDialog();
      if (result.status === DialogTurnStatus.empty) await dc.beginDialog(OrientationDialog.id);
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      if (this.routes && context.activity.channelId === 'msteams') {
        await this.routes.teams.onMembersAdded(context);
        return next();
      }
      const recipient = context.activity.recipient?.id;
      for (const member of context.activity.membersAdded ?? []) {
        if (member.id === recipient) continue;
        const lang = (await this.state.language.get(context)) ?? context.activity.locale;
        const t = this.translate(lang ?? 'fr');
        await context.sendActivity(MessageFactory.text(`${t('welcome.text')}\n\n${t('welcome.privacy')}`));
        break;
      }
      await next();
    });

    this.onMembersRemoved(async (context, next) => {
      if (this.routes && context.activity.channelId === 'msteams') await this.routes.teams.onMembersRemoved(context);
      await next();
    });

    this.onUnrecognizedActivityType(async (context, next) => {
      this.logger.info('activity type ignored', { type: context.activity.type, conversation: pseudonym(context.activity.conversation?.id) });
      await next();
    });
  }

  /**
   * Relays the message to the agent holding the conversation, if one does. The handoff store
   * is asked only when the conversation may have a request (it asked for one, or it is not
   * known yet): a lookup on every message of every conversation was a turn's cost for the
   * few that ever reach an agent (issue 8).
   */
  private async relayed(context: TurnContext, text: string): Promise<boolean> {
    if ((await this.state.handoff.get(context)) === 'none') return false;
    const outcome = await this.routes!.relay.fromPerson(context.activity.conversation.id, text);
    // No request waiting or taken: none until the conversation asks again (which marks it).
    if (outcome === 'none') await this.state.handoff.set(context, 'none');
    return outcome === 'relayed';
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    if (!this.routes || context.activity.channelId !== 'msteams') return super.onAdaptiveCardInvoke(context, value);
    return this.routes.teams.onCardAction(context, value);
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.state.saveChanges(context);
  }
}
