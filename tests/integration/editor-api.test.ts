/**
 * The knowledge editor's API over real HTTP: sign-in and roles, validation at the field,
 * checked saves and conflicts, preview, try and regression check, publish (live for the bot
 * and for a second instance on the same storage within seconds), history and readable diff,
 * roll back, export/import round trip, retire and restore, unanswered questions.
 */
import { hashPassword } from '../../bot/console/accounts';
import { translator } from '../../bot/i18n';
import { buildKnowledge, parseContentYaml } from '../../knowledge/load';
import { untarFiles } from '../../knowledge/tar';
import { startConnectorStub, ConnectorStub } from '../helpers/connector-stub';
import { cardOf, cardTexts, closingQuestion, startTestApp, tempDir, TestConversation } from '../helpers/bot-harness';
import type { App } from '../../bot/server';

const ACCOUNTS = JSON.stringify([
  { username: 'claire', name: 'Claire Martin', passwordHash: hashPassword('correct horse battery') },
  { username: 'yann', name: 'Yann Le Goff', passwordHash: hashPassword('staple gun fence') },
]);
const AGENTS = JSON.stringify([{ username: 'agent', name: 'Agent', passwordHash: hashPassword('agent password') }]);
const ENV = { EDITOR_ACCOUNTS: ACCOUNTS, AGENT_ACCOUNTS: AGENTS, KB_SYNC_SECONDS: '1', LONG_TAIL: 'false' };

jest.setTimeout(120_000);
let stub: ConnectorStub;
let app: App;
let second: App;
const data = tempDir('editor-api-');

beforeAll(async () => {
  stub = await startConnectorStub();
  app = await startTestApp(data.dir, ENV);
  // A second instance on the same storage, as behind a load balancer.
  second = await startTestApp(data.dir, ENV);
});
afterAll(async () => {
  await second.close();
  await app.close();
  await stub.close();
  data.cleanup();
});

async function api(method: string, route: string, token?: string, body?: unknown, on: App = app): Promise<{ status: number; json: any; raw: Buffer }> {
  const res = await fetch(`http://127.0.0.1:${on.port}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const raw = Buffer.from(await res.arrayBuffer());
  let json: any;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    json = undefined;
  }
  return { status: res.status, json, raw };
}

async function login(username: string, password: string): Promise<string> {
  const r = await api('POST', '/api/editor/login', undefined, { username, password });
  expect(r.status).toBe(200);
  return r.json.token as string;
}

async function delaysShownFor(on: App, question: string): Promise<string> {
  const c = new TestConversation(on, stub);
  const [card] = await c.say(question, 1);
  // The bot's answer closes on "did this help?" (the editor's preview does not).
  expect(closingQuestion(card!)).toBe(translator('fr')('feedback.question'));
  return cardTexts(cardOf(card!)).find((t) => t.startsWith(`${translator('fr')('card.delays')}:`)) ?? '';
}

let claire: string;
let yann: string;

it('only editors get in: wrong password, no token, an agent\'s console token are refused', async () => {
  expect((await api('POST', '/api/editor/login', undefined, { username: 'claire', password: 'nope' })).status).toBe(401);
  expect((await api('GET', '/api/editor/entries')).status).toBe(401);
  const agent = await api('POST', '/api/console/login', undefined, { username: 'agent', password: 'agent password' });
  expect(agent.status).toBe(200);
  expect((await api('GET', '/api/editor/entries', agent.json.token)).status).toBe(401);
  expect((await api('GET', '/api/editor/entries', 'forged.token')).status).toBe(401);
  claire = await login('claire', 'correct horse battery');
  yann = await login('yann', 'staple gun fence');
  const list = await api('GET', '/api/editor/entries', claire);
  expect(list.status).toBe(200);
  expect(list.json.published).toBe(1);
  expect(list.json.entries.length).toBeGreaterThanOrEqual(57);
  expect(list.json.entries.find((e: any) => e.id === 'cni-passeport')).toMatchObject({ status: 'published', kind: 'procedure' });
});

it('validates as the editor types: a link that is not https is refused at its field', async () => {
  const { json } = await api('GET', '/api/editor/entries/cni-passeport', claire);
  const entry = structuredClone(json.entry);
  entry.sources[0].url = 'http://www.service-public.fr/particuliers/vosdroits/F21089';
  const v = await api('POST', '/api/editor/validate', claire, { type: 'entry', data: entry });
  expect(v.json.ok).toBe(false);
  expect(v.json.problems).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'sources.0.url', message: 'must use https' })]));
  const save = await api('PUT', '/api/editor/entries/cni-passeport', claire, { entry, version: json.version });
  expect(save.status).toBe(400);
  expect(save.json.error.code).toBe('Invalid');
  const unknown = await api('GET', '/api/editor/entries/does-not-exist', claire);
  expect(unknown.status).toBe(404);
});

it('edit a delay, preview the card, see the conflict of a second editor, try it, check for regressions, publish: the bot and the other instance answer with it', async () => {
  const before = await delaysShownFor(app, 'je veux faire un passeport');
  const { json } = await api('GET', '/api/editor/entries/cni-passeport', claire);
  const entry = structuredClone(json.entry);
  entry.text.fr.delays = 'Délai moyen constaté en novembre : 3 semaines après le rendez-vous (à vérifier sur le site de votre mairie).';
  const saved = await api('PUT', '/api/editor/entries/cni-passeport', claire, { entry, version: json.version });
  expect(saved.status).toBe(200);

  // Yann started from the same version: his save is refused, nothing overwritten.
  const his = structuredClone(json.entry);
  his.text.fr.delays = 'Autre texte';
  const conflict = await api('PUT', '/api/editor/entries/cni-passeport', yann, { entry: his, version: json.version });
  expect(conflict.status).toBe(409);
  expect(conflict.json.error.message).toContain('Claire Martin');
  expect(conflict.json.current.content.text.fr.delays).toBe(entry.text.fr.delays);

  const preview = await api('POST', '/api/editor/preview', claire, { entry, lang: 'fr' });
  expect(cardTexts(preview.json.card)).toContain(`${translator('fr')('card.delays')}: ${entry.text.fr.delays}`);
  expect(cardTexts(preview.json.card)).not.toContain(translator('fr')('feedback.question'));

  const tried = await api('POST', '/api/editor/try', claire, { text: 'je veux faire un passeport' });
  expect(tried.json.draft.results[0].id).toBe('cni-passeport');
  expect(tried.json.published.decision).toBeDefined();

  const check = await api('POST', '/api/editor/regression', claire);
  expect(check.status).toBe(200);
  expect(check.json.total).toBeGreaterThan(600);
  expect(check.json.changed).toEqual([]); // a delay's wording changes no ranking

  // Not yet live: the draft is not published.
  expect(await delaysShownFor(app, 'je veux faire un passeport')).toBe(before);
  expect((await api('POST', '/api/editor/publish', claire, { message: ' ' })).json.error.code).toBe('MessageRequired');
  const published = await api('POST', '/api/editor/publish', claire, { message: 'Délai constaté en novembre' });
  expect(published.status).toBe(200);
  expect(published.json.revision).toMatchObject({ id: 2, author: { name: 'Claire Martin' }, message: 'Délai constaté en novembre', changes: 1 });
  expect(await delaysShownFor(app, 'je veux faire un passeport')).toContain('3 semaines après le rendez-vous');

  // The second instance picks it up within seconds, without a restart.
  const end = Date.now() + 8000;
  let seen = '';
  while (Date.now() < end && !seen.includes('3 semaines')) {
    await new Promise((r) => setTimeout(r, 300));
    seen = await delaysShownFor(second, 'je veux faire un passeport');
  }
  expect(seen).toContain('3 semaines après le rendez-vous');
  expect((await api('POST', '/api/editor/publish', claire, { message: 'rien' })).json.error.code).toBe('NoChange');
});

it('history shows each revision with a readable diff, and an earlier revision is restored as a new one', async () => {
  const history = await api('GET', '/api/editor/revisions', claire);
  expect(history.json.revisions.map((r: any) => r.id)).toEqual([2, 1]);
  const diff = await api('GET', '/api/editor/revisions/2/diff', claire);
  expect(diff.json.files).toEqual([
    expect.objectContaining({ path: 'procedures/cni-passeport.yaml', change: 'changed', fields: [expect.objectContaining({ field: 'text.fr.delays', after: expect.stringContaining('3 semaines') })] }),
  ]);
  const restored = await api('POST', '/api/editor/revisions/1/restore', yann, { message: 'Retour au délai officiel' });
  expect(restored.json.revision).toMatchObject({ id: 3, restoredFrom: 1, author: { name: 'Yann Le Goff' } });
  expect(await delaysShownFor(app, 'je veux faire un passeport')).not.toContain('3 semaines');
  expect((await api('POST', '/api/editor/revisions/99/restore', yann, { message: 'x' })).status).toBe(404);
});

it('exports the published revision as knowledge files that import back unchanged', async () => {
  const exported = await api('GET', '/api/editor/export', claire);
  expect(exported.status).toBe(200);
  const files = untarFiles(exported.raw);
  expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['procedures/cni-passeport.yaml', 'intents.yaml', 'directory/communes.yaml']));
  const parsed = new Map(files.map((f) => [f.path, parseContentYaml(f.path, f.content.toString('utf8'), [])]));
  expect(buildKnowledge(parsed).ok).toBe(true);
  const texts = Object.fromEntries(files.map((f) => [f.path, f.content.toString('utf8')]));
  expect((await api('POST', '/api/editor/import', claire, { files: texts })).json.changes).toBe(0);
  texts['procedures/cni-passeport.yaml'] = texts['procedures/cni-passeport.yaml']!.replace(/reviewed: .*/, 'reviewed: 2026-11-20');
  expect((await api('POST', '/api/editor/import', claire, { files: texts })).json.changes).toBe(1);
  expect((await api('GET', '/api/editor/draft', claire)).json.changes).toEqual([expect.objectContaining({ path: 'procedures/cni-passeport.yaml', change: 'changed' })]);
  const broken = await api('POST', '/api/editor/import', claire, { files: { ...texts, 'procedures/cni-passeport.yaml': 'id: [' } });
  expect(broken.status).toBe(400);
  expect((await api('POST', '/api/editor/draft/discard', claire)).status).toBe(200);
});

it('refuses an id that exists and a retirement that would break other entries; retires and restores', async () => {
  const { json } = await api('GET', '/api/editor/entries/medaille-travail', claire);
  expect((await api('POST', '/api/editor/entries', claire, { entry: json.entry })).json.error.code).toBe('Exists');
  const referenced = await api('GET', '/api/editor/entries/horaires-adresses', claire);
  const breaking = await api('POST', '/api/editor/entries/horaires-adresses/retire', claire, { version: referenced.json.version });
  expect(breaking.status).toBe(400);
  expect(breaking.json.problems.length).toBeGreaterThan(0);

  expect((await api('POST', '/api/editor/entries/medaille-travail/retire', claire, { version: json.version })).status).toBe(200);
  const list = await api('GET', '/api/editor/entries', claire);
  expect(list.json.entries.find((e: any) => e.id === 'medaille-travail').status).toBe('retired');
  expect((await api('POST', '/api/editor/entries/medaille-travail/restore', claire)).status).toBe(200);
  expect((await api('GET', '/api/editor/entries/medaille-travail', claire)).json.status).not.toBe('retired');
  await api('POST', '/api/editor/draft/discard', claire);

  const fresh = structuredClone(json.entry);
  fresh.id = 'nouvelle-fiche-test';
  fresh.text.fr.title = '<script>alert(1)</script> Nouvelle fiche';
  const created = await api('POST', '/api/editor/entries', claire, { entry: fresh });
  expect(created.status).toBe(201);
  const got = await api('GET', '/api/editor/entries/nouvelle-fiche-test', claire);
  expect(got.json).toMatchObject({ status: 'new', entry: { text: { fr: { title: '<script>alert(1)</script> Nouvelle fiche' } } } });
  await api('POST', '/api/editor/draft/discard', claire);
});

it('lists unanswered questions grouped, adds their words to an entry, or dismisses them', async () => {
  for (const text of ['horaires de la piscine municipale ?', 'piscine municipale horaires', 'quelle heure ouvre la piscine municipale']) {
    const c = new TestConversation(app, stub);
    // A fallback: one message, the apology and the préfecture's contact.
    const [fallback] = await c.say(text, 1);
    expect(fallback!.activity.text).toContain(translator('fr')('fallback.text'));
  }
  const { json } = await api('GET', '/api/editor/unanswered', claire);
  const group = json.groups.find((g: any) => g.texts.some((t: string) => t.includes('piscine')));
  expect(group.count).toBeGreaterThanOrEqual(2);
  const added = await api('POST', '/api/editor/unanswered/add-words', claire, { ids: group.ids, entryId: 'horaires-adresses', lang: 'fr', words: ['piscine municipale'] });
  expect(added.status).toBe(200);
  expect(added.json.marked).toBe(group.ids.length);
  const entry = await api('GET', '/api/editor/entries/horaires-adresses', claire);
  expect(entry.json.status).toBe('changed');
  expect(entry.json.entry.terms.fr).toContain('piscine municipale');
  const after = await api('GET', '/api/editor/unanswered', claire);
  expect(after.json.groups.flatMap((g: any) => g.ids)).not.toEqual(expect.arrayContaining(group.ids));
  await api('POST', '/api/editor/draft/discard', claire);
  expect((await api('POST', '/api/editor/unanswered/dismiss', claire, { ids: [] })).status).toBe(400);
});

it('flags what to re-check first: a review too old, a cited fiche modified after the review', async () => {
  const { json } = await api('GET', '/api/editor/entries/cni-passeport', claire);
  expect(json.fiches).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'F21089', url: expect.stringMatching(/^https:\/\/www\.service-public\.fr\/.+F21089$/), modified: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) })]));
  expect(json.flags).toEqual([]);
  const entry = structuredClone(json.entry);
  entry.reviewed = '2019-06-01';
  expect((await api('PUT', '/api/editor/entries/cni-passeport', claire, { entry, version: json.version })).status).toBe(200);
  const listed = (await api('GET', '/api/editor/entries', claire)).json.entries.find((e: any) => e.id === 'cni-passeport');
  expect(listed.status).toBe('changed');
  expect(listed.flags.map((f: any) => f.code)).toEqual(expect.arrayContaining(['reviewOverdue', 'ficheChanged']));
  expect(listed.flags.filter((f: any) => f.code === 'ficheChanged').map((f: any) => f.fiche)).toContain('F21089');
  await api('POST', '/api/editor/draft/discard', claire);
});
