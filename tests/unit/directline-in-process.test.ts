/**
 * The built-in channel's replies delivered in-process: activities addressed to the channel's
 * own connector endpoints go to the channel as the connector routes would hand them over
 * (a JSON body), anything else still goes through the adapter.
 */
import type { Activity, CloudAdapter, ResourceResponse, TurnContext } from 'botbuilder';
import { deliverInProcess } from '../../bot/directline/in-process';

function fakes() {
  const viaAdapter: Array<Partial<Activity>> = [];
  const updatedViaAdapter: Array<Partial<Activity>> = [];
  const adapter = {
    async sendActivities(_context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
      viaAdapter.push(...activities);
      return activities.map(() => ({ id: 'adapter' }));
    },
    async updateActivity(_context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
      updatedViaAdapter.push(activity);
      return { id: 'adapter' };
    },
  } as unknown as CloudAdapter;
  const stored: Array<{ conversationId: string; body: Record<string, unknown> }> = [];
  const updated: Array<{ conversationId: string; id: string; body: Record<string, unknown> }> = [];
  const channel = {
    async fromBot(conversationId: string, body: Record<string, unknown>) {
      stored.push({ conversationId, body });
      return `${conversationId}|${stored.length}`;
    },
    async updateFromBot(conversationId: string, id: string, body: Record<string, unknown>) {
      updated.push({ conversationId, id, body });
      return id;
    },
  };
  deliverInProcess(adapter, channel, '/connector/k3y');
  return { adapter, channel, viaAdapter, updatedViaAdapter, stored, updated };
}

const context = {} as TurnContext;
const ours = 'http://127.0.0.1:3978/connector/k3y';

describe('in-process delivery of the built-in channel', () => {
  it('hands the channel its activities as JSON bodies, in order, and returns the ids it gives', async () => {
    const f = fakes();
    const when = new Date('2026-11-24T10:00:00Z');
    const ids = await f.adapter.sendActivities(context, [
      { type: 'message', text: 'card', serviceUrl: ours, conversation: { id: 'dl-1' } as Activity['conversation'], id: 'x', timestamp: when, speak: undefined },
      { type: 'message', text: 'question', serviceUrl: ours, conversation: { id: 'dl-1' } as Activity['conversation'] },
    ]);
    expect(ids).toEqual([{ id: 'dl-1|1' }, { id: 'dl-1|2' }]);
    expect(f.stored.map((s) => s.body.text)).toEqual(['card', 'question']);
    expect(f.stored[0]!.body).not.toHaveProperty('id');
    expect(f.stored[0]!.body).not.toHaveProperty('speak');
    expect(f.stored[0]!.body.timestamp).toBe('2026-11-24T10:00:00.000Z');
    expect(f.viaAdapter).toEqual([]);
  });

  it('leaves other service URLs, traces and delays to the adapter', async () => {
    const f = fakes();
    await f.adapter.sendActivities(context, [
      { type: 'message', text: 'elsewhere', serviceUrl: 'https://smba.trafficmanager.net/emea/', conversation: { id: 'teams-1' } as Activity['conversation'] },
      { type: 'trace', serviceUrl: ours, conversation: { id: 'dl-1' } as Activity['conversation'] },
      { type: 'delay', value: 1, serviceUrl: ours, conversation: { id: 'dl-1' } as Activity['conversation'] },
    ]);
    expect(f.viaAdapter.map((a) => a.type)).toEqual(['message', 'trace', 'delay']);
    expect(f.stored).toEqual([]);
  });

  it('updates the channel activity in-process, and others through the adapter', async () => {
    const f = fakes();
    await f.adapter.updateActivity(context, { id: 'dl-1|3', type: 'message', serviceUrl: ours, conversation: { id: 'dl-1' } as Activity['conversation'] });
    await f.adapter.updateActivity(context, { id: 'a', type: 'message', serviceUrl: 'https://example.org/', conversation: { id: 'c' } as Activity['conversation'] });
    expect(f.updated.map((u) => [u.conversationId, u.id])).toEqual([['dl-1', 'dl-1|3']]);
    expect(f.updatedViaAdapter.map((a) => a.id)).toEqual(['a']);
  });
});
