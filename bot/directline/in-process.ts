/**
 * The built-in Direct Line channel's replies delivered in-process. The bridge adapter's
 * serviceUrl is the service's own Bot Connector endpoints (`/connector/{key}`, `routes.ts`):
 * over loopback HTTP each reply cost a request the service had to send and accept, and
 * under load (hundreds of sockets connecting) the replies queued behind new connections for
 * seconds (issue 8). The channel is in this process: the bridge hands it the activities
 * directly, as `fromBot` and `updateFromBot`, the very calls the connector routes make, so
 * that what is stored, pushed to the sockets and announced to other instances (bus) is
 * unchanged.
 */
import type { Activity, CloudAdapter, ResourceResponse, TurnContext } from 'botbuilder';
import type { DirectLineChannel } from './channel';

/** The channel's side of the delivery (what the connector routes call). */
export type BotActivitySink = Pick<DirectLineChannel, 'fromBot' | 'updateFromBot'>;

/** Activity types the adapter handles itself rather than sending (see `CloudAdapterBase`). */
const NOT_SENT = new Set(['delay', 'invokeResponse', 'trace']);

/**
 * The activity as the connector route would receive it: a JSON body (dates as ISO strings,
 * no undefined fields), so that the channel stores the same thing as before.
 */
function asBody(activity: Partial<Activity>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(activity)) as Record<string, unknown>;
}

/**
 * Makes `adapter` (the bridge's) deliver to `channel` in-process the activities addressed to
 * `connectorPath` (the channel's own endpoints); anything else (another serviceUrl, delays,
 * invoke responses, traces, deletions, member lists) still goes through the adapter as before.
 */
export function deliverInProcess(adapter: CloudAdapter, channel: BotActivitySink, connectorPath: string): void {
  const ours = (serviceUrl: string | undefined): boolean => {
    if (!serviceUrl) return false;
    try {
      return new URL(serviceUrl).pathname.startsWith(connectorPath);
    } catch {
      return false;
    }
  };
  const send = adapter.sendActivities.bind(adapter);
  const update = adapter.updateActivity.bind(adapter);

  adapter.sendActivities = async (context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> => {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      const conversationId = activity.conversation?.id;
      if (NOT_SENT.has(String(activity.type)) || !conversationId || !ours(activity.serviceUrl)) {
        responses.push(...(await send(context, [activity])));
        continue;
      }
      delete activity.id; // As the adapter does: the channel gives the id.
      responses.push({ id: await channel.fromBot(conversationId, asBody(activity)) });
    }
    return responses;
  };

  adapter.updateActivity = async (context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> => {
    const conversationId = activity.conversation?.id;
    if (!conversationId || !activity.id || !ours(activity.serviceUrl)) return update(context, activity);
    return { id: await channel.updateFromBot(conversationId, activity.id, asBody(activity)) };
  };
}

