/**
 * The knowledge editor's API (docs/editor-api.md): sign-in (local editor accounts, or Teams
 * SSO with the editor app role), the draft's entries and services with checked saves and
 * conflicts, card preview, try and regression check, publish, history and diffs, restore,
 * export and import, unanswered questions. Only editors get anything; agents' sessions are
 * signed for another purpose and refused.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as restify from 'restify';
import { stringify } from 'yaml';
import { entryCard } from '../../dialogs/cards/entry-card';
import { parseEvalSet } from '../../knowledge/evaluation';
import { buildKnowledge, parseContentYaml, readContentFiles } from '../../knowledge/load';
import type { ContentProblem } from '../../knowledge/errors';
import { regression } from '../../knowledge/regression';
import { KnowledgeSearch } from '../../knowledge/search/engine';
import { entrySchema, REQUIRED_LOCALES, CONTENT_LOCALES } from '../../knowledge/schema';
import { tarFiles } from '../../knowledge/tar';
import { groupUnanswered, suggestWords } from '../../knowledge/unanswered-groups';
import type { InsightsStore } from '../../storage/insights-store';
import type { Author } from '../../storage/knowledge-store';
import type { AgentAccount } from '../console/accounts';
import { mountSignIn } from '../console/sign-in';
import type { EntraValidator } from '../console/entra';
import type { Sessions } from '../console/sessions';
import type { Translate } from '../../dialogs/orientation-dialog';
import type { Logger } from '../logger';
import type { FicheInfo } from '../long-tail';
import { entryFlags, entryTitle, missingTranslations } from './entry-flags';
import { contentHash, entryPath, KnowledgeWorkspace, servicePath, WorkspaceError } from './workspace';

type Req = restify.Request;
type Res = restify.Response;

/** What the editor routes need. */
export interface EditorDeps {
  workspace: KnowledgeWorkspace;
  accounts: AgentAccount[];
  sessions: Sessions;
  entra?: EntraValidator;
  entraRole: string;
  insights: InsightsStore;
  translate: Translate;
  fiche: (id: string) => FicheInfo | undefined;
  reviewMaxDays: number;
  /** Proxies whose X-Forwarded-For is trusted, for the sign-in limit. */
  trustProxy: number;
  shippedDir: string;
  evalDir: string;
  logger: Logger;
  now: () => Date;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const problemsOf = (problems: ContentProblem[]) => problems.map((p) => ({ file: p.file, field: p.field, message: p.message }));

/** Mounts the editor API. */
export function mountEditor(server: restify.Server, deps: EditorDeps): void {
  const { workspace, sessions, logger } = deps;
  const fail = (res: Res, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void => {
    res.send(status, { error: { code, message }, ...extra });
  };
  const editorOf = (req: Req): Author | undefined => sessions.verify(/^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]);
  // Block bodies on purpose: an async restify handler must return nothing.
  const authed = (fn: (req: Req, res: Res, editor: Author) => Promise<void>) => async (req: Req, res: Res): Promise<void> => {
    const editor = editorOf(req);
    if (!editor) { fail(res, 401, 'Unauthorized', 'sign in as an editor'); return; }
    try {
      await fn(req, res, editor);
    } catch (err) {
      if (err instanceof WorkspaceError) {
        const extra = { ...err.details };
        if (Array.isArray(extra.problems)) extra.problems = problemsOf(extra.problems as ContentProblem[]);
        fail(res, err.status, err.code, err.message, extra);
        return;
      }
      logger.error('editor request failed', { err, path: req.path() });
      fail(res, 500, 'InternalError', 'the request could not be handled');
    }
  };
  const body = (req: Req): Record<string, unknown> => (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {});

  server.get('/api/editor/config', async (_req: Req, res: Res) => {
    res.send(200, { teamsSso: Boolean(deps.entra), languages: CONTENT_LOCALES, required: REQUIRED_LOCALES, reviewMaxDays: deps.reviewMaxDays });
  });

  mountSignIn(server, { prefix: '/api/editor', role: 'editor', area: 'editor', accounts: deps.accounts, sessions, entra: deps.entra, entraRole: deps.entraRole, trustProxy: deps.trustProxy, logger });

  // --- Entries -------------------------------------------------------------------------

  server.get('/api/editor/entries', authed(async (_req, res) => {
    const view = await workspace.draft();
    const now = deps.now();
    const changed = new Map(view.changes.map((c) => [c.path, c]));
    const entries = [];
    for (const [p, content] of view.files) {
      if (!/^(procedures|errors|external)\//.test(p)) continue;
      const c = content as { id?: string; kind?: string };
      const status = !changed.has(p) ? 'published' : view.published.has(p) ? 'changed' : 'new';
      entries.push({ id: c.id, kind: c.kind, title: entryTitle(content), status, missingTranslations: missingTranslations(content), flags: entryFlags(content, now, deps.reviewMaxDays, deps.fiche) });
    }
    for (const c of view.changes) {
      if (c.content !== null || !view.published.has(c.path)) continue;
      const old = view.published.get(c.path) as { id?: string; kind?: string };
      entries.push({ id: old.id, kind: old.kind, title: entryTitle(old), status: 'retired', missingTranslations: [], flags: [] });
    }
    entries.sort((a, b) => String(a.id).localeCompare(String(b.id)));
    res.send(200, { published: view.base.id, changes: view.changes.length, entries });
  }));

  server.get('/api/editor/entries/:id', authed(async (req, res) => {
    const id = String(req.params.id);
    const view = await workspace.draft();
    const p = KnowledgeWorkspace.findEntry(view.files, id) ?? KnowledgeWorkspace.findEntry(view.published, id);
    if (!p) { fail(res, 404, 'NotFound', `no entry ${id}`); return; }
    const entry = view.files.get(p) ?? null;
    const published = view.published.get(p) ?? null;
    const changed = view.changes.find((c) => c.path === p);
    const status = entry === null ? 'retired' : !changed ? 'published' : published ? 'changed' : 'new';
    const sources = ((entry ?? published) as { sources?: Array<{ fiche?: string }> }).sources ?? [];
    const fiches = sources.filter((s) => s.fiche).map((s) => deps.fiche(s.fiche as string) ?? { id: s.fiche as string, title: null, url: `https://www.service-public.fr/particuliers/vosdroits/${s.fiche}`, modified: null });
    res.send(200, { entry, version: KnowledgeWorkspace.versionIn(view, p), status, published, flags: entryFlags(entry ?? published, deps.now(), deps.reviewMaxDays, deps.fiche), fiches });
  }));

  server.post('/api/editor/validate', authed(async (req, res) => {
    const b = body(req);
    const data = b.data as { id?: unknown; kind?: unknown } | undefined;
    if (!data || typeof data !== 'object') { fail(res, 400, 'BadArgument', 'data is required'); return; }
    const view = await workspace.draft();
    let p: string;
    if (b.type === 'service') p = servicePath(String(data.id ?? ''));
    else {
      const kind = (['procedure', 'error', 'external'] as const).find((k) => k === data.kind) ?? 'procedure';
      p = entryPath(kind, String(data.id ?? ''));
    }
    const { problems } = workspace.check(view, p, data);
    res.send(200, { ok: problems.length === 0, problems: problemsOf(problems) });
  }));

  const entryPathOf = (entry: unknown): string => {
    const e = entry as { id?: unknown; kind?: unknown };
    const kind = (['procedure', 'error', 'external'] as const).find((k) => k === e.kind);
    if (typeof e.id !== 'string' || !kind) throw new WorkspaceError(400, 'Invalid', 'an entry needs an id and a kind', { problems: [{ file: '-', field: typeof e.id !== 'string' ? 'id' : 'kind', message: 'is required' }] });
    return entryPath(kind, e.id);
  };

  server.put('/api/editor/entries/:id', authed(async (req, res, editor) => {
    const b = body(req);
    const entry = b.entry as { id?: unknown } | undefined;
    if (!entry || typeof entry !== 'object') { fail(res, 400, 'BadArgument', 'entry is required'); return; }
    if (entry.id !== req.params.id) { fail(res, 400, 'BadArgument', 'the id of an entry cannot change; create a new entry and retire this one'); return; }
    const view = await workspace.draft();
    const p = entryPathOf(entry);
    const existing = KnowledgeWorkspace.findEntry(view.files, String(entry.id));
    if (existing && existing !== p) { fail(res, 400, 'BadArgument', 'the kind of an entry cannot change'); return; }
    const version = await workspace.save(p, entry, str(b.version) ?? null, editor);
    logger.info('knowledge entry saved in the draft', { entry: entry.id, editor: editor.id });
    res.send(200, { version });
  }));

  server.post('/api/editor/entries', authed(async (req, res, editor) => {
    const entry = body(req).entry as { id?: unknown } | undefined;
    if (!entry || typeof entry !== 'object') { fail(res, 400, 'BadArgument', 'entry is required'); return; }
    const view = await workspace.draft();
    if (typeof entry.id === 'string' && (KnowledgeWorkspace.findEntry(view.files, entry.id) || KnowledgeWorkspace.findEntry(view.published, entry.id))) {
      fail(res, 409, 'Exists', `an entry ${entry.id} already exists (retired entries are restored, not created again)`);
      return;
    }
    const version = await workspace.save(entryPathOf(entry), entry, null, editor, { create: true });
    res.send(201, { version });
  }));

  server.post('/api/editor/entries/:id/retire', authed(async (req, res, editor) => {
    const view = await workspace.draft();
    const p = KnowledgeWorkspace.findEntry(view.files, String(req.params.id));
    if (!p) { fail(res, 404, 'NotFound', `no entry ${String(req.params.id)}`); return; }
    await workspace.save(p, null, str(body(req).version) ?? null, editor);
    res.send(200, { ok: true });
  }));

  server.post('/api/editor/entries/:id/restore', authed(async (req, res, editor) => {
    const id = String(req.params.id);
    const view = await workspace.draft();
    if (KnowledgeWorkspace.findEntry(view.files, id)) { fail(res, 409, 'Exists', `${id} is not retired`); return; }
    const last = await workspace.lastPublished(id);
    if (!last) { fail(res, 404, 'NotFound', `no entry ${id} was ever published`); return; }
    const changed = view.changes.find((c) => c.path === last.path);
    const version = await workspace.save(last.path, last.content, changed ? changed.version : 'retired', editor, { create: !changed && !view.published.has(last.path) });
    res.send(200, { version });
  }));

  // --- Services ------------------------------------------------------------------------

  server.get('/api/editor/services', authed(async (_req, res) => {
    const view = await workspace.draft();
    const changed = new Set(view.changes.map((c) => c.path));
    const services = [...view.files.entries()]
      .filter(([p]) => p.startsWith('services/'))
      .map(([p, s]) => {
        const x = s as { id?: string; kind?: string; name?: { fr?: string } };
        return { id: x.id, kind: x.kind, name: x.name?.fr ?? x.id, status: changed.has(p) ? (view.published.has(p) ? 'changed' : 'new') : 'published' };
      });
    res.send(200, { services });
  }));

  server.get('/api/editor/services/:id', authed(async (req, res) => {
    const view = await workspace.draft();
    const p = servicePath(String(req.params.id));
    if (!view.files.has(p)) { fail(res, 404, 'NotFound', `no service ${String(req.params.id)}`); return; }
    res.send(200, { service: view.files.get(p), version: KnowledgeWorkspace.versionIn(view, p), status: view.changes.some((c) => c.path === p) ? 'changed' : 'published' });
  }));

  server.put('/api/editor/services/:id', authed(async (req, res, editor) => {
    const b = body(req);
    const service = b.service as { id?: unknown } | undefined;
    if (!service || typeof service !== 'object' || service.id !== req.params.id) { fail(res, 400, 'BadArgument', 'service is required, with the id of the route'); return; }
    const version = await workspace.save(servicePath(String(service.id)), service, str(b.version) ?? null, editor);
    res.send(200, { version });
  }));

  // --- Preview, try, regression --------------------------------------------------------

  server.post('/api/editor/preview', authed(async (req, res) => {
    const b = body(req);
    const parsed = entrySchema.safeParse(b.entry);
    if (!parsed.success) {
      fail(res, 400, 'Invalid', 'the entry does not validate yet', { problems: parsed.error.issues.map((i) => ({ file: '-', field: i.path.join('.') || '-', message: i.message })) });
      return;
    }
    const lang = CONTENT_LOCALES.find((l) => l === b.lang) ?? 'fr';
    const view = await workspace.draft();
    const checked = workspace.check(view, entryPath(parsed.data.kind, parsed.data.id), b.entry);
    const kb = checked.kb ?? (await workspace.publishedBase()).kb;
    res.send(200, { card: entryCard(kb, parsed.data, lang, deps.translate(lang), { now: deps.now() }).content });
  }));

  // The published side is the search the bot answers with (already warm); the draft's is
  // built once per draft content, not at each question.
  let draftCache: { hash: string; search: KnowledgeSearch } | undefined;
  const draftSearch = async (): Promise<{ draft: KnowledgeSearch; published: KnowledgeSearch }> => {
    const view = await workspace.draft();
    const published = workspace.serving().search;
    if (view.changes.length === 0) return { draft: published, published };
    const hash = contentHash(view.files);
    if (draftCache?.hash !== hash) {
      const built = buildKnowledge(view.files);
      if (!built.ok) throw new WorkspaceError(400, 'Invalid', 'the draft does not validate', { problems: built.problems });
      draftCache = { hash, search: new KnowledgeSearch(built.kb) };
    }
    return { draft: draftCache.search, published };
  };

  server.post('/api/editor/try', authed(async (req, res) => {
    const b = body(req);
    const text = str(b.text)?.slice(0, 1000) ?? '';
    if (!text.trim()) { fail(res, 400, 'BadArgument', 'text is required'); return; }
    const { draft, published } = await draftSearch();
    const ranking = (s: KnowledgeSearch) => {
      const o = s.rank(text, str(b.lang));
      return { decision: o.decision, results: o.results.map((r) => ({ id: r.id, title: s.kb.byId.get(r.id)?.text.fr.title ?? r.id, score: r.score })) };
    };
    res.send(200, { draft: ranking(draft), published: ranking(published) });
  }));

  server.post('/api/editor/regression', authed(async (_req, res) => {
    const { draft, published } = await draftSearch();
    const sets = fs.existsSync(deps.evalDir)
      ? fs.readdirSync(deps.evalDir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => ({ name: f, questions: parseEvalSet(fs.readFileSync(path.join(deps.evalDir, f), 'utf8')) }))
      : [];
    res.send(200, regression(sets, published, draft));
  }));

  // --- Draft, publish, history ---------------------------------------------------------

  server.get('/api/editor/draft', authed(async (_req, res) => {
    const view = await workspace.draft();
    res.send(200, {
      base: view.base.id,
      changes: view.changes.map((c) => ({ path: c.path, change: c.content === null ? 'retired' : view.published.has(c.path) ? 'changed' : 'added', by: c.updatedBy, at: c.updatedAt })),
    });
  }));

  server.post('/api/editor/draft/discard', authed(async (_req, res, editor) => {
    await workspace.discard();
    logger.info('knowledge draft discarded', { editor: editor.id });
    res.send(200, { ok: true });
  }));

  server.post('/api/editor/publish', authed(async (req, res, editor) => {
    const revision = await workspace.publish(str(body(req).message) ?? '', editor);
    logger.info('knowledge revision published', { revision: revision.id, editor: editor.id, changes: revision.changes });
    res.send(200, { revision });
  }));

  server.get('/api/editor/revisions', authed(async (_req, res) => {
    res.send(200, { revisions: await workspace.revisions() });
  }));

  server.get('/api/editor/revisions/:id/diff', authed(async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id) || id < 1) { fail(res, 400, 'BadArgument', 'a revision id is a positive integer'); return; }
    res.send(200, await workspace.diff(id));
  }));

  server.post('/api/editor/revisions/:id/restore', authed(async (req, res, editor) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id) || id < 1) { fail(res, 400, 'BadArgument', 'a revision id is a positive integer'); return; }
    const revision = await workspace.restore(id, str(body(req).message) ?? '', editor);
    logger.info('knowledge revision restored', { from: id, revision: revision.id, editor: editor.id });
    res.send(200, { revision });
  }));

  server.get('/api/editor/export', authed(async (req, res) => {
    const q = (req.query ?? {}) as Record<string, unknown>;
    const id = q.revision === undefined ? undefined : Number(q.revision);
    if (id !== undefined && (!Number.isInteger(id) || id < 1)) { fail(res, 400, 'BadArgument', 'revision must be a positive integer'); return; }
    const { meta, files } = await workspace.files(id);
    const mtime = new Date(meta.createdAt);
    const tar = tarFiles([...files.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([p, content]) => ({ path: p, content: stringify(content, { lineWidth: 0 }), mtime })));
    res.setHeader('content-type', 'application/x-tar');
    res.setHeader('content-disposition', `attachment; filename="knowledge-revision-${meta.id}.tar"`);
    res.sendRaw(200, tar);
  }));

  server.post('/api/editor/import', authed(async (req, res, editor) => {
    const b = body(req);
    let files: Map<string, unknown>;
    if (b.shipped === true) {
      const read = readContentFiles(deps.shippedDir);
      if (read.problems.length) { fail(res, 400, 'Invalid', 'the shipped files do not validate', { problems: problemsOf(read.problems) }); return; }
      files = read.files;
    } else {
      const given = b.files;
      if (!given || typeof given !== 'object' || Array.isArray(given)) { fail(res, 400, 'BadArgument', 'files is required: {"procedures/x.yaml": "<yaml>", ...}'); return; }
      const problems: ContentProblem[] = [];
      files = new Map();
      for (const [p, text] of Object.entries(given as Record<string, unknown>)) {
        if (!/^(procedures|errors|external|services|bodies)\/[a-z0-9-]+\.ya?ml$|^(intents|decision)\.yaml$|^directory\/communes\.yaml$/.test(p) || typeof text !== 'string') {
          problems.push({ file: p, field: '-', message: 'is not a knowledge file path with YAML text' });
          continue;
        }
        const data = parseContentYaml(p, text, problems);
        if (data !== undefined) files.set(p.replace(/\.yml$/, '.yaml'), data);
      }
      if (problems.length) { fail(res, 400, 'Invalid', 'some files cannot be read', { problems: problemsOf(problems) }); return; }
    }
    const changes = await workspace.importFiles(files, editor);
    res.send(200, { changes });
  }));

  // --- Unanswered questions ------------------------------------------------------------

  server.get('/api/editor/unanswered', authed(async (_req, res) => {
    const open = await deps.insights.openUnanswered(5000);
    const { kb, search: engine } = workspace.serving();
    const groups = groupUnanswered(open.map((q) => ({ id: q.id, text: q.text, lang: q.lang, at: q.at, reason: q.reason }))).map((g) => {
      const top = engine.rank(g.texts[0] ?? '').results[0];
      return { ...g, words: suggestWords(g), suggestion: top ? { id: top.id, title: kb.byId.get(top.id)?.text.fr.title ?? top.id } : null };
    });
    res.send(200, { groups });
  }));

  server.post('/api/editor/unanswered/add-words', authed(async (req, res, editor) => {
    const b = body(req);
    const ids = Array.isArray(b.ids) ? b.ids.filter((x): x is number => Number.isInteger(x)) : [];
    const words = Array.isArray(b.words) ? b.words.filter((w): w is string => typeof w === 'string').map((w) => w.trim()).filter((w) => w.length > 1 && w.length <= 200) : [];
    const lang = CONTENT_LOCALES.find((l) => l === b.lang);
    const entryId = str(b.entryId);
    if (!entryId || !lang || words.length === 0) { fail(res, 400, 'BadArgument', 'entryId, lang and words are required'); return; }
    const view = await workspace.draft();
    const p = KnowledgeWorkspace.findEntry(view.files, entryId);
    if (!p) { fail(res, 404, 'NotFound', `no entry ${entryId}`); return; }
    const entry = structuredClone(view.files.get(p)) as { terms: Record<string, string[] | undefined> };
    const current = entry.terms[lang] ?? [];
    entry.terms[lang] = [...current, ...words.filter((w) => !current.includes(w))];
    const version = await workspace.save(p, entry, KnowledgeWorkspace.versionIn(view, p), editor);
    const marked = await deps.insights.markUnanswered(ids, 'handled');
    res.send(200, { version, marked });
  }));

  server.post('/api/editor/unanswered/dismiss', authed(async (req, res) => {
    const ids = Array.isArray(body(req).ids) ? (body(req).ids as unknown[]).filter((x): x is number => Number.isInteger(x)) : [];
    if (ids.length === 0) { fail(res, 400, 'BadArgument', 'ids are required'); return; }
    res.send(200, { ok: true, marked: await deps.insights.markUnanswered(ids, 'dismissed') });
  }));
}
