/**
 * The agents' Teams channel, learnt when the bot is installed in the team and kept in the
 * state store, so that requests can be posted there proactively after a restart.
 */
import type { Storage } from 'botbuilder';

/** Where requests are posted. */
export interface AgentsChannel {
  serviceUrl: string;
  tenantId: string;
  teamId: string;
  channelId: string;
  botId: string;
}

const KEY = 'teams/agents-channel';

/** Reads and writes the agents' channel. */
export class AgentsChannelStore {
  constructor(private readonly storage: Storage) {}

  async get(): Promise<AgentsChannel | undefined> {
    const items = await this.storage.read([KEY]);
    const item = items[KEY] as (AgentsChannel & { eTag?: string }) | undefined;
    if (!item) return undefined;
    const { eTag: _eTag, ...channel } = item;
    return channel;
  }

  async set(channel: AgentsChannel): Promise<void> {
    await this.storage.write({ [KEY]: { ...channel, eTag: '*' } });
  }
}
