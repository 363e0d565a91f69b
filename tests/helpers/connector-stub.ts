/**
 * A small Bot Connector stub: the `serviceUrl` the bot replies to in tests. It records
 * every activity the bot sends, and answers as the Bot Connector API does.
 */
import * as http from 'http';
import { AddressInfo } from 'net';

/** An activity the bot sent, with the route it used. */
export interface SentActivity {
  conversationId: string;
  replyToId?: string;
  activity: Record<string, any>;
  /** How it was sent: a new conversation (a Teams thread), a message, or a card update. */
  kind?: 'create' | 'send' | 'update';
}

/** A running stub. */
export interface ConnectorStub {
  url: string;
  sent: SentActivity[];
  /** Resolves with the activities sent to a conversation once `count` have arrived since `from`. */
  waitFor(conversationId: string, count: number, from?: number, timeoutMs?: number): Promise<SentActivity[]>;
  close(): Promise<void>;
}

/** Starts a stub on a free port. */
export async function startConnectorStub(): Promise<ConnectorStub> {
  const sent: SentActivity[] = [];
  let seq = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && req.url === '/v3/conversations') {
        // Teams: a new thread in a channel.
        const params = JSON.parse(body) as { channelData?: { channel?: { id?: string } }; activity: Record<string, any> };
        const activityId = String(++seq);
        const id = `${params.channelData?.channel?.id ?? 'channel'};messageid=${activityId}`;
        sent.push({ conversationId: id, activity: params.activity, kind: 'create' });
        res.end(JSON.stringify({ id, activityId, serviceUrl: '' }));
        return;
      }
      if (req.method === 'PUT' && m) {
        sent.push({ conversationId: decodeURIComponent(m[1] as string), replyToId: m[2] ? decodeURIComponent(m[2]) : undefined, activity: JSON.parse(body) as Record<string, any>, kind: 'update' });
        res.end(JSON.stringify({ id: m[2] }));
        return;
      }
      if (req.method === 'POST' && m) {
        sent.push({ conversationId: decodeURIComponent(m[1] as string), replyToId: m[2] ? decodeURIComponent(m[2]) : undefined, activity: JSON.parse(body) as Record<string, any>, kind: 'send' });
        res.end(JSON.stringify({ id: `stub-${++seq}` }));
        return;
      }
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    sent,
    async waitFor(conversationId, count, from = 0, timeoutMs = 5000) {
      const start = Date.now();
      for (;;) {
        const mine = sent.slice(from).filter((s) => s.conversationId === conversationId);
        if (mine.length >= count) return mine;
        if (Date.now() - start > timeoutMs) throw new Error(`expected ${count} activities for ${conversationId}, got ${mine.length}: ${JSON.stringify(mine.map((s) => s.activity.text ?? s.activity.attachments?.[0]?.contentType))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
