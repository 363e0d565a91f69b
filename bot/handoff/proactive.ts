/**
 * Writing first: to the person (on the website through the built-in channel's adapter, on
 * other channels through the main adapter) and to the agents' Teams channel (new thread,
 * message in a thread, card update).
 */
import { Activity, CardFactory, CloudAdapter, ConversationReference, MessageFactory, TurnContext } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import type { AgentsChannel } from '../teams/agents-channel';

/** A thread created in the agents' channel. */
export interface CreatedThread {
  reference: Record<string, unknown>;
  conversationId: string;
  cardActivityId: string;
}

/** Proactive messaging for the handoff. */
export class Proactive {
  constructor(
    private readonly main: CloudAdapter,
    private readonly bridge: CloudAdapter,
    private readonly appId: string,
    /** The path of the built-in Direct Line channel's connector endpoints (`/connector/{key}`). */
    private readonly bridgePath: string,
    /** Its current base URL: the port may have changed since a reference was stored. */
    private readonly bridgeBase: () => string,
  ) {}

  private isBridge(serviceUrl: string | undefined): boolean {
    try {
      return serviceUrl !== undefined && new URL(serviceUrl).pathname.startsWith(this.bridgePath);
    } catch {
      return false;
    }
  }

  private continue(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    if (this.isBridge(reference.serviceUrl)) return this.bridge.continueConversationAsync('', { ...reference, serviceUrl: this.bridgeBase() }, logic);
    return this.main.continueConversationAsync(this.appId, reference, logic);
  }

  /**
   * Sends a text to a conversation, with suggested actions when given. `plain` marks it as
   * plain text (`textFormat: 'plain'`): what a person or an agent wrote, shown as written.
   */
  async send(reference: Record<string, unknown>, text: string, suggestions: string[] = [], format: 'plain' | 'markdown' = 'markdown'): Promise<void> {
    await this.continue(reference as Partial<ConversationReference>, async (context) => {
      const activity = suggestions.length ? MessageFactory.suggestedActions(suggestions, text) : MessageFactory.text(text);
      if (format === 'plain') activity.textFormat = 'plain';
      await context.sendActivity(activity);
    });
  }

  /** Replaces the card of a message. */
  async updateCard(reference: Record<string, unknown>, activityId: string, card: Record<string, unknown>): Promise<void> {
    await this.continue(reference as Partial<ConversationReference>, async (context) => {
      const update = MessageFactory.attachment(CardFactory.adaptiveCard(card)) as Partial<Activity>;
      update.id = activityId;
      await context.updateActivity(update);
    });
  }

  /** Posts a card as a new thread in the agents' channel. */
  async createThread(channel: AgentsChannel, card: Record<string, unknown>): Promise<CreatedThread> {
    const reference: Partial<ConversationReference> = {
      channelId: 'msteams',
      serviceUrl: channel.serviceUrl,
      conversation: { id: channel.channelId, isGroup: true, conversationType: 'channel', tenantId: channel.tenantId, name: '' },
      bot: { id: channel.botId, name: '' },
    };
    let created: CreatedThread | undefined;
    await this.main.continueConversationAsync(this.appId, reference, async (context) => {
      const connector = context.turnState.get<ConnectorClient>(this.main.ConnectorClientKey);
      const response = await connector.conversations.createConversation({
        isGroup: true,
        bot: { id: channel.botId, name: '' },
        tenantId: channel.tenantId,
        channelData: { channel: { id: channel.channelId }, tenant: { id: channel.tenantId } },
        activity: MessageFactory.attachment(CardFactory.adaptiveCard(card)) as Activity,
        members: [],
      });
      const threadId = response.id.includes(';messageid=') ? response.id : `${response.id};messageid=${response.activityId}`;
      created = {
        reference: { ...reference, conversation: { ...reference.conversation, id: threadId } },
        conversationId: threadId,
        cardActivityId: response.activityId ?? '',
      };
    });
    if (!created) throw new Error('the agents\' thread could not be created');
    return created;
  }
}
