/**
 * Teams activities as Teams sends them to the bot (a channel thread of the agents' team), for
 * the tests that play the agents' side.
 */

/** The tenant and team the tests configure as the agents'. */
export const TEAMS_TENANT = 'tenant-prefecture';
export const TEAMS_TEAM = '19:team-general@thread.tacv2';
/** The channel of that team where requests are posted (TEAMS_AGENTS_CHANNEL_ID). */
export const TEAMS_AGENTS_CHANNEL = '19:agents@thread.tacv2';
/** An agent of that team. */
export const ALICE = { id: '29:alice', aadObjectId: 'aad-alice', name: 'Alice Martin' };

/** The fields every activity from the agents' channel carries; spread, then add the type. */
export function teamsActivity(serviceUrl: string, conversationId: string, from: object = ALICE, tenant = TEAMS_TENANT) {
  return {
    channelId: 'msteams',
    serviceUrl,
    conversation: { id: conversationId, conversationType: 'channel', isGroup: true, tenantId: tenant },
    recipient: { id: '28:bot', name: 'Assistant' },
    from,
    channelData: { tenant: { id: tenant }, team: { id: TEAMS_TEAM }, channel: { id: conversationId.split(';')[0] } },
    timestamp: new Date().toISOString(),
  };
}
