/**
 * The one module that owns the bot's state accessors: the conversation's dialog stack and
 * language, in conversation state stored through the storage port.
 */
import { ConversationState, StatePropertyAccessor, Storage, TurnContext, UserState } from 'botbuilder';
import { DialogState } from 'botbuilder-dialogs';
import { LanguageStore } from '../dialogs/orientation-dialog';
import type { HandoffMark } from '../dialogs/handoff-port';
import { withJsonChangeCheck } from './state-change-check';

/** The bot's state and its accessors. */
export interface BotState {
  conversationState: ConversationState;
  userState: UserState;
  dialogState: StatePropertyAccessor<DialogState>;
  language: LanguageStore;
  /**
   * Whether the conversation may have a request for an agent: `asked` once it made one,
   * `none` once the handoff store was seen to hold none waiting or taken; absent when not
   * known yet (a new conversation, or one kept from before this was recorded).
   */
  handoff: StatePropertyAccessor<'asked' | 'none'>;
  /** Marks the conversation `asked` (the handoff dialog, on a request queued). */
  handoffMark: HandoffMark;
  /** Saves every changed state at the end of a turn. */
  saveChanges(context: TurnContext): Promise<void>;
}

/** Creates the state objects over a storage. */
export function createBotState(storage: Storage): BotState {
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  withJsonChangeCheck(conversationState);
  withJsonChangeCheck(userState);
  const languageProperty = conversationState.createProperty<string>('language');
  const handoff = conversationState.createProperty<'asked' | 'none'>('handoff');
  return {
    conversationState,
    userState,
    dialogState: conversationState.createProperty<DialogState>('dialogState'),
    language: {
      get: (context) => languageProperty.get(context),
      set: (context, lang) => languageProperty.set(context, lang),
    },
    handoff,
    handoffMark: { asked: (context) => handoff.set(context, 'asked') },
    async saveChanges(context) {
      await conversationState.saveChanges(context, false);
      await userState.saveChanges(context, false);
    },
  };
}
