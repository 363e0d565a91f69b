/**
 * The data-protection officer's test: a conversation full of personal details (e-mail,
 * phone, NIR, IBAN, AGDREF, date of birth, address) goes through the real service over
 * HTTP, on the website's Direct Line and on `/api/messages`; none of the identifiers may
 * then be found in the logs (pino, every level), the insights store (events and unanswered
 * questions), the editors' list of unanswered questions, the published indicators or the
 * metrics. The privacy notice comes first on every channel's first contact, before a
 * handoff request too. Old data goes with the retention job.
 */
import { translator } from '../../bot/i18n';
import { createLogger } from '../../bot/logger';
import { HandoffService } from '../../bot/handoff/handoff-service';
import { SqliteHandoffStore } from '../../storage/sqlite-handoff-store';
import { startConnectorStub, ConnectorStub } from '../helpers/connector-stub';
import { postRaw, startTestApp, tempDir, TestConversation } from '../helpers/bot-harness';
import type { App } from '../../bot/server';
import * as path from 'path';

const fr = translator('fr');

/** The identifiers, as written, and the distinctive parts that must never come out. */
const SENTENCES = [
  'Bonjour, je suis Jean Dupont, né le 3 mars 1985, mon mail est jean.dupont@example.fr',
  'mon téléphone 06 12 34 56 78 ou +44 20 7946 0958, mon numéro étranger 7512345678',
  'numéro de sécurité sociale 1 85 03 75 123 456 78 et mon IBAN FR76 3000 6000 0112 3456 7890 189',
  "j'habite 12 rue de la Paix à Pontoise, né le 03/03/1985, comment renouveler mon titre de séjour ?",
  'zorglub grumpf 2 90 12 2A 004 123 45 et 9512345678 ma demande ANTS 2023AB123456',
  'I was born on 3 March 1985 and live at 221B Baker Street, email john.smith@example.co.uk',
];
const NEEDLES = [
  'Dupont', 'jean.dupont', 'example.fr', 'john.smith', '06 12 34 56 78', '0612345678', '7946 0958', '7512345678', '9512345678',
  '123 456 78', '285037512345678', 'FR76', '3000 6000', '0112 3456', '1985', '03/03', 'rue de la Paix', 'Baker Street', '004 123 45', '2023AB123456',
];

/** Fails when the text holds a needle (digits not glued to other digits: a metric's 1763951985 is not 1985). */
function expectClean(what: string, text: string): void {
  for (const needle of NEEDLES) {
    const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (new RegExp(`(^|[^0-9])${escaped}($|[^0-9])`).test(text)) throw new Error(`${what} holds "${needle}"`);
  }
}

describe('privacy: no identifier leaves the conversation', () => {
  const data = tempDir('privacy-');
  const lines: string[] = [];
  let app: App;
  let stub: ConnectorStub;
  beforeAll(async () => {
    stub = await startConnectorStub();
    app = await startTestApp(data.dir, { INDICATORS_MIN_COUNT: '1' }, createLogger('debug', (line) => lines.push(line)), undefined, () => new Date('2026-11-23T09:00:00Z'));
  });
  afterAll(async () => {
    await app.close();
    await stub.close();
    data.cleanup();
  });

  it('the welcome with the privacy notice comes first, before a handoff request', async () => {
    const c = new TestConversation(app, stub);
    const from = stub.sent.length;
    expect(await c.post({ type: 'conversationUpdate', text: undefined, membersAdded: [{ id: 'user-1' }, { id: 'bot' }] })).toBe(200);
    const [welcome] = await stub.waitFor(c.id, 1, from);
    expect(welcome!.activity.text).toContain(fr('welcome.privacy'));
    const [queued] = await c.say('parler à un agent', 1);
    expect(queued!.activity.text).not.toContain(fr('welcome.privacy'));
    expect(stub.sent.findIndex((s) => s === welcome)).toBeLessThan(stub.sent.findIndex((s) => s === queued));
    // The notice says not to share identifiers, that texts are deleted after a time, how to erase, and where to read more.
    expect(fr('welcome.privacy')).toMatch(/numéro de dossier/);
    expect(fr('welcome.privacy')).toMatch(/effacée automatiquement/);
    expect(fr('welcome.privacy')).toMatch(/effacer ma conversation/);
    expect(fr('welcome.privacy')).toContain('« Confidentialité »');
  });

  it('a conversation full of personal details leaves none in logs, insights, unanswered questions, indicators or metrics', async () => {
    // On /api/messages (a Bot Framework channel)...
    const c = new TestConversation(app, stub);
    for (const sentence of SENTENCES) await c.post({ text: sentence });
    await c.post({ text: 'non' });
    await c.post({ text: 'au revoir' });
    await c.post({ text: '2' });
    // ...and on the website's Direct Line.
    const base = `http://127.0.0.1:${app.port}`;
    const { token, conversationId } = (await (await fetch(`${base}/api/directline/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    for (const text of SENTENCES) {
      const res = await fetch(`${base}/v3/directline/conversations/${encodeURIComponent(conversationId)}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', from: { id: 'x' }, text, locale: 'fr-FR' }),
      });
      expect(res.status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 300));
    // Malformed requests are logged with their reason: never with what the body held.
    await postRaw(app, `jean.dupont@example.fr ${SENTENCES[2]}`);
    await postRaw(app, `{"type":"message","text":"${SENTENCES[1]}"`);
    await postRaw(app, JSON.stringify({ type: 'message', text: SENTENCES[0], conversation: { id: 'x' }, serviceUrl: 'not a url' }));
    await fetch(`${base}/v3/directline/conversations/${encodeURIComponent(conversationId)}/activities`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: `{"text":"${SENTENCES[3]}` });

    const unanswered = await app.insightsStore.unanswered(1000);
    expect(unanswered.length).toBeGreaterThan(0);
    expectClean('an unanswered question', JSON.stringify(unanswered));
    expectClean('the editors\' open questions', JSON.stringify(await app.insightsStore.openUnanswered(1000)));
    expectClean('the insights counts', JSON.stringify(await app.insightsStore.dailyCounts('2000-01-01', '2100-01-01')));
    const indicators = await (await fetch(`${base}/api/indicators?period=day&from=2026-11-20&to=2026-11-23`)).text();
    expect(indicators).toContain('2026-11-23');
    expectClean('the indicators', indicators);
    expectClean('the metrics', await (await fetch(`${base}/metrics`)).text());
    expect(lines.length).toBeGreaterThan(10);
    // The malformed requests were logged (with their reasons), and turns with their decisions.
    expect(lines.some((l) => /malformed|refused|invalid/i.test(l))).toBe(true);
    expect(lines.some((l) => l.includes('"decision"'))).toBe(true);
    expectClean('the logs', lines.join('\n'));
    // The placeholders show that something was there, and what kind.
    expect(JSON.stringify(unanswered)).toMatch(/\[(email|phone|nir|iban|number|date|address|file)\]/);
  });

  it('the privacy notice page is served at /confidentialite and /privacy, with the retention period, and nothing inline', async () => {
    for (const route of ['/confidentialite', '/privacy']) {
      const res = await fetch(`http://127.0.0.1:${app.port}${route}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      expect(html).toContain('effacés automatiquement après <span id="retention-days">30</span> jours');
      expect(html).toContain('effacer ma conversation');
      expect(html).toContain('delete my conversation');
      expect(html).not.toContain('__RETENTION_DAYS__');
      // A strict Content-Security-Policy: no inline script, no style element or attribute.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
      expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    }
  });

  it('a handoff rating\'s comment is kept without identifiers', async () => {
    const store = new SqliteHandoffStore(path.join(data.dir, 'ratings.sqlite'));
    const service = new HandoffService(store, { hours: {} as never, defaultWaitMinutes: 5 }, {} as never);
    const request = await store.create({ conversationId: 'c', channelId: 'test', reference: {}, lang: 'fr', summary: 's', state: 'closed' });
    await service.rate(request.id, 5, 'Merci Alice ! Rappelez-moi au 06 12 34 56 78 ou jean.dupont@example.fr');
    const rated = await store.get(request.id);
    expect(rated?.comment).toBe('Merci Alice ! Rappelez-moi au [phone] ou [email]');
    await store.close();
  });
});
