/**
 * The answer card: an Adaptive Card with the procedure, who handles it, how and where,
 * what to prepare, the delays, the official links as buttons and the sources.
 */
import { Attachment, CardFactory } from 'botbuilder';
import type { TFunction } from 'i18next';
import type { KnowledgeBase } from '../../knowledge/load';
import type { Entry, EntryText, LocalisedText, Service } from '../../knowledge/schema';
import { directoryContact, localised, siteForArrondissement, siteOf } from '../../knowledge/directory';
import { isOpen, nextOpening, PARIS } from '../../knowledge/opening-hours';
import { markShared } from './shared-attachments';

type CardElement = Record<string, unknown>;

/**
 * Card text is markdown: an HTML tag typed in the content ("<img ...>") would become an
 * element in Web Chat. A backslash before `<` keeps it as the characters typed.
 */
export const cardText = (text: string): string => text.replace(/<(?=[A-Za-z/!?])/g, '\\<');
const textBlock = (text: string, extra: Record<string, unknown> = {}): CardElement => ({ type: 'TextBlock', text: cardText(text), wrap: true, ...extra });
const heading = (text: string): CardElement => textBlock(text, { weight: 'Bolder', spacing: 'Medium' });
const bullets = (items: readonly string[]): CardElement => textBlock(items.map((i) => `- ${i}`).join('\n'));
const numbered = (items: readonly string[]): CardElement => textBlock(items.map((i, n) => `${n + 1}. ${i}`).join('\n'));

/** The text of an entry in a language, falling back to French. */
export function entryText(entry: Entry, lang: string): EntryText {
  return (entry.text as Record<string, EntryText | undefined>)[lang] ?? entry.text.fr;
}

function handlerName(kb: KnowledgeBase, entry: Entry, lang: string): string {
  if (entry.handler.service) {
    const s = kb.services.get(entry.handler.service);
    return s ? serviceLabel(kb, s, lang) : entry.handler.service;
  }
  const b = kb.bodies.get(entry.handler.body ?? '');
  return b ? localised(b.name, lang) : (entry.handler.body ?? '');
}

function serviceLabel(kb: KnowledgeBase, s: Service, lang: string): string {
  const site = s.site ? kb.services.get(s.site) : undefined;
  return site ? `${localised(s.name, lang)}, ${localised(site.name, lang)}` : localised(s.name, lang);
}

/** Where to go: the first directory service involved, with what to check about it. */
function where(kb: KnowledgeBase, entry: Entry, lang: string): { contact: string; note?: string; service?: Service } | undefined {
  const ids = [entry.handler.service, ...entry.channels.filter((c) => c.type === 'counter' || c.type === 'appointment').map((c) => c.service)];
  for (const id of ids) {
    const service = id ? kb.services.get(id) : undefined;
    const contact = id ? directoryContact(kb, id, lang) : undefined;
    if (!service || !contact) continue;
    const note = service.note ?? (service.site ? kb.services.get(service.site)?.note : undefined);
    return { contact, note: note ? localised(note, lang) : undefined, service };
  }
  return undefined;
}

/** Where the person is and when it is: the commune named, the current time. */
export interface CardContext {
  commune?: { name: string; arrondissement: string };
  now?: Date;
  /**
   * A question closing the card, below its buttons ("did this help?"): the answer and the
   * question are one message, with the replies offered as suggested actions under it.
   */
  closingQuestion?: string;
}

/**
 * One formatter per language: creating an `Intl.DateTimeFormat` costs far more than
 * formatting with it, and every answer card out of hours formatted once (issue 8).
 */
const whenFormats = new Map<string, Intl.DateTimeFormat>();
function whenFormat(lang: string): Intl.DateTimeFormat {
  let f = whenFormats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: PARIS });
    if (whenFormats.size < 50) whenFormats.set(lang, f);
  }
  return f;
}

/**
 * What is kept during the current minute, and forgotten when the clock moves to the next:
 * - the opening status of each site and language: every answer card computed it again (time
 *   zone, holidays, the next opening days ahead), and it only changes from one minute to the
 *   next (schedules are HH:MM ranges, and the next opening found from any instant of a minute
 *   is the same);
 * - the answer cards, by base, translation, entry, then language, commune and closing
 *   question: a card changes only with those and with the opening status; building one was
 *   a tenth of the bot's own work on an answered question. They are frozen, being shared by
 *   every answer of that minute.
 * (Issue 8, a turn's CPU.)
 */
interface MinuteMemo {
  minute: number;
  hours: WeakMap<object, Map<string, string | undefined>>;
  cards: WeakMap<KnowledgeBase, WeakMap<TFunction, WeakMap<Entry, Map<string, Attachment>>>>;
}
let memo: MinuteMemo = { minute: NaN, hours: new WeakMap(), cards: new WeakMap() };

/** The memo of `now`'s minute (a new one when the minute changed). */
function memoOf(now: Date): MinuteMemo {
  const minute = Math.floor(now.getTime() / 60_000);
  if (minute !== memo.minute) memo = { minute, hours: new WeakMap(), cards: new WeakMap() };
  return memo;
}

/** Whether a site is open now, or when it opens, in words. */
function openingStatus(site: Service, lang: string, t: TFunction, now: Date): string | undefined {
  if (!site.hours) return undefined;
  const { hours } = memoOf(now);
  let byLang = hours.get(site.hours);
  if (!byLang) hours.set(site.hours, (byLang = new Map()));
  if (byLang.has(lang)) return byLang.get(lang);
  const status = computeOpeningStatus(site, lang, t, now);
  byLang.set(lang, status);
  return status;
}

function computeOpeningStatus(site: Service, lang: string, t: TFunction, now: Date): string | undefined {
  if (!site.hours) return undefined;
  if (isOpen(site.hours, now)) return t('card.openNow');
  const next = nextOpening(site.hours, now);
  if (!next) return undefined;
  const when = whenFormat(lang).format(next);
  return t('card.closedNow', { when });
}

/**
 * The site serving the person's commune, for entries handled at a desk of the préfecture
 * (not for online procedures or other administrations).
 */
function communeSite(kb: KnowledgeBase, entry: Entry, commune: CardContext['commune']): Service | undefined {
  if (!commune) return undefined;
  const atDesk = Boolean(entry.handler.service) || entry.channels.some((c) => (c.type === 'counter' || c.type === 'appointment') && c.service);
  if (!atDesk) return undefined;
  return siteForArrondissement(kb, commune.arrondissement);
}

/** At most this many cards per entry and translation in a minute (communes × questions). */
const MAX_CARDS_PER_ENTRY = 200;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * The Adaptive Card answering with one entry, in the person's language: built once a minute
 * for the same base, entry, language, commune and closing question, and frozen.
 */
export function entryCard(kb: KnowledgeBase, entry: Entry, lang: string, t: TFunction, where_: CardContext = {}): Attachment {
  const now = where_.now ?? new Date();
  const { cards: byBase } = memoOf(now);
  let byT = byBase.get(kb);
  if (!byT) byBase.set(kb, (byT = new WeakMap()));
  let byEntry = byT.get(t);
  if (!byEntry) byT.set(t, (byEntry = new WeakMap()));
  let cards = byEntry.get(entry);
  if (!cards) byEntry.set(entry, (cards = new Map()));
  const key = `${lang}\n${where_.commune?.name ?? ''}\n${where_.commune?.arrondissement ?? ''}\n${where_.closingQuestion ?? ''}`;
  let card = cards.get(key);
  if (!card) {
    card = markShared(deepFreeze(buildEntryCard(kb, entry, lang, t, where_, now)));
    if (cards.size >= MAX_CARDS_PER_ENTRY) cards.clear();
    cards.set(key, card);
  }
  return card;
}

function buildEntryCard(kb: KnowledgeBase, entry: Entry, lang: string, t: TFunction, where_: CardContext, now: Date): Attachment {
  const text = entryText(entry, lang);
  const body: CardElement[] = [textBlock(text.title, { size: 'Large', weight: 'Bolder' }), textBlock(text.summary)];
  if (!(entry.text as Record<string, unknown>)[lang]) body.push(textBlock(t('card.untranslated'), { isSubtle: true, size: 'Small' }));

  const facts: Array<{ title: string; value: string }> = [{ title: t('card.who'), value: handlerName(kb, entry, lang) }];
  const how = [...new Set(entry.channels.map((c) => t(`channel.${c.type}`)))].join(', ');
  facts.push({ title: t('card.how'), value: how });
  const place = where(kb, entry, lang);
  const mine = communeSite(kb, entry, where_.commune);
  if (mine && where_.commune) {
    facts.push({ title: t('card.yourSite', { commune: where_.commune.name }), value: directoryContact(kb, mine.id, lang) ?? localised(mine.name, lang) });
    const status = openingStatus(mine, lang, t, now);
    if (status) facts.push({ title: t('card.hours'), value: status });
  } else if (place) {
    facts.push({ title: t('card.where'), value: place.contact });
    const site = place.service ? siteOf(kb, place.service) : undefined;
    const status = site && openingStatus(site, lang, t, now);
    if (status) facts.push({ title: t('card.hours'), value: status });
  }
  if (text.delays) facts.push({ title: t('card.delays'), value: text.delays });
  if (text.fees) facts.push({ title: t('card.fees'), value: text.fees });
  body.push({ type: 'FactSet', facts: facts.map((f) => ({ title: cardText(f.title), value: cardText(f.value) })) });
  if (place?.note) body.push(textBlock(place.note, { isSubtle: true, size: 'Small' }));
  if (entry.kind === 'external') body.push(textBlock(t('card.notPrefecture'), { isSubtle: true }));

  if (entry.kind === 'error') {
    if (text.rightToError) body.push(heading(t('card.rightToError')), textBlock(text.rightToError));
    if (text.limits) body.push(heading(t('card.limits')), textBlock(text.limits));
    if (text.steps.length) body.push(heading(t('card.fix')), numbered(text.steps));
    if (text.avoid.length) body.push(heading(t('card.avoid')), bullets(text.avoid));
  } else {
    if (text.prepare.length) body.push(heading(t('card.prepare')), bullets(text.prepare));
    if (text.steps.length) body.push(heading(t('card.steps')), numbered(text.steps));
  }
  for (const c of entry.channels) {
    const note = c.note ? localised(c.note as LocalisedText, lang) : undefined;
    if (note) body.push(textBlock(note, { isSubtle: true }));
  }

  const related = entry.relatedErrors.map((id) => kb.byId.get(id)).filter((e): e is Entry => e !== undefined);
  if (related.length) body.push(heading(t('card.relatedErrors')), bullets(related.map((e) => entryText(e, lang).title)));

  body.push(heading(t('card.sources')), bullets(entry.sources.map((s) => `[${s.title}](${s.url})${s.fiche ? ` (${s.fiche})` : ''}`)));
  body.push(textBlock(t('card.reviewed', { date: entry.reviewed }), { isSubtle: true, size: 'Small' }));

  const actions: CardElement[] = [];
  const seen = new Set<string>();
  const addAction = (title: string, url: string | undefined): void => {
    if (!url || seen.has(url) || actions.length >= 3) return;
    seen.add(url);
    actions.push({ type: 'Action.OpenUrl', title, url });
  };
  for (const c of entry.channels) {
    if (c.type === 'online') addAction(t('card.openOnline'), c.url);
    if (c.type === 'appointment') addAction(t('card.book'), c.url ?? (c.service ? kb.services.get(c.service)?.appointmentUrl : undefined));
  }
  addAction(t('card.officialPage'), entry.sources[0]?.url);

  // A card's own actions always come last; with a closing question they move into the body
  // so that the question follows them.
  if (where_.closingQuestion) {
    if (actions.length) body.push({ type: 'ActionSet', actions });
    body.push(textBlock(where_.closingQuestion, { weight: 'Bolder', spacing: 'Large', separator: true }));
  }
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    lang,
    rtl: lang === 'ar',
    body,
    actions: where_.closingQuestion ? [] : actions,
  });
}

/**
 * One part of an entry, as a short message answering a follow-up question ("et quels
 * papiers ?", "where do I go?") about the topic just answered.
 */
export function entrySection(kb: KnowledgeBase, entry: Entry, kind: 'prepare' | 'delays' | 'where' | 'steps' | 'fees', lang: string, t: TFunction, ctx: CardContext = {}): string {
  const text = entryText(entry, lang);
  const notSaid = t('card.notSaid', { url: entry.sources[0]?.url ?? '' });
  const list = (items: string[], numbered: boolean): string => items.map((i, n) => (numbered ? `${n + 1}. ${i}` : `- ${i}`)).join('\n');
  switch (kind) {
    case 'prepare':
      return text.prepare.length ? `**${t('card.prepare')}** (${text.title})\n\n${list(text.prepare, false)}` : notSaid;
    case 'steps':
      return text.steps.length ? `**${t(entry.kind === 'error' ? 'card.fix' : 'card.steps')}** (${text.title})\n\n${list(text.steps, true)}` : notSaid;
    case 'delays':
      return text.delays ? `**${t('card.delays')}** (${text.title})\n\n${text.delays}` : notSaid;
    case 'fees':
      // An amount nobody wrote down is never guessed: the person is sent to the official page.
      return text.fees ? `**${t('card.fees')}** (${text.title})\n\n${text.fees}` : t('card.feesNotSaid', { url: entry.sources[0]?.url ?? '' });
    case 'where':
    default: {
      const now = ctx.now ?? new Date();
      const mine = communeSite(kb, entry, ctx.commune);
      const place = mine ? { contact: directoryContact(kb, mine.id, lang) ?? '', site: mine } : (() => {
        const p = where(kb, entry, lang);
        return p ? { contact: p.contact, site: p.service ? siteOf(kb, p.service) : undefined } : undefined;
      })();
      const online = entry.channels.find((c) => c.type === 'online')?.url;
      if (!place) return online ? `**${t('card.how')}** : ${t('channel.online')} — ${online}` : notSaid;
      const status = place.site ? openingStatus(place.site, lang, t, now) : undefined;
      return [`**${t('card.where')}** (${text.title})`, place.contact, status, online ? `${t('channel.online')} : ${online}` : undefined].filter(Boolean).join('\n\n');
    }
  }
}

/**
 * The site serving a commune, as a short message: name, address and phone, how to get an
 * appointment, whether it is open now or when it opens.
 */
export function communeSiteText(kb: KnowledgeBase, commune: NonNullable<CardContext['commune']>, lang: string, t: TFunction, now: Date = new Date()): string {
  const site = siteForArrondissement(kb, commune.arrondissement);
  if (!site) return t('place.noSite', { commune: commune.name });
  const lines = [`**${t('card.yourSite', { commune: commune.name })}**`, directoryContact(kb, site.id, lang) ?? localised(site.name, lang)];
  const status = openingStatus(site, lang, t, now);
  if (status) lines.push(status);
  if (site.appointmentUrl) lines.push(t('place.appointment', { url: site.appointmentUrl }));
  if (site.note) lines.push(localised(site.note, lang));
  return lines.join('\n\n');
}
