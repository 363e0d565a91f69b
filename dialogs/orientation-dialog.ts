/**
 * The orientation dialog: a message is ranked and decided; the person gets an answer card
 * (then "did this help?"), a choice between two or three procedures, a kind fallback with
 * the préfecture's contact, or a short small-talk reply. The dialog stays on the stack and
 * remembers what it offered, so that a choice or a yes/no is understood on the next turn.
 */
import { ActivityTypes, MessageFactory, TurnContext } from 'botbuilder';
import { Dialog, DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import type { TFunction } from 'i18next';
import type { KnowledgeBase } from '../knowledge/load';
import type { KnowledgeSource, RankOutcome } from '../knowledge/search/types';
import { mainContact } from '../knowledge/directory';
import { normalise } from '../knowledge/normalise';
import { communeSiteText, entryCard, entrySection, entryText } from './cards/entry-card';
import type { HandoffOptions } from './handoff-dialog';
import { checkInput } from './input-check';
import type { InsightsPort } from './insights-port';
import type { LongTailPort } from './long-tail-port';
import type { Ranking } from './ranking-port';
import { RightToErrorDialog, RightToErrorOptions, RightToErrorResult } from './right-to-error-dialog';

/** Where the dialog reads the current knowledge base and search from (swapped on reload). */
export interface KnowledgeProvider {
  current(): { kb: KnowledgeBase; search: KnowledgeSource };
}

/** The conversation's language, kept in conversation state by the bot. */
export interface LanguageStore {
  get(context: TurnContext): Promise<string | undefined>;
  set(context: TurnContext, lang: string): Promise<void>;
}

/** Translations for a language. */
export type Translate = (lang: string) => TFunction;

/** What the dialog offered last, to understand the next message. */
export interface OrientationState {
  pending?: { kind: 'clarify'; ids: string[] } | { kind: 'feedback'; id: string } | { kind: 'rating'; tries: number };
  /** Whether the end-of-conversation rating was offered already (it is offered once). */
  ratingOffered?: boolean;
  /** Fallbacks in a row: from the second, a human is offered. */
  fallbacks?: number;
  /** The last entry answered and the last question searched, for a handoff's topic and summary. */
  lastTopic?: string;
  lastQuestion?: string;
  /** The commune the person named, kept for the conversation (it tells their site). */
  commune?: RankOutcome['commune'];
  /** The channel's locale on the previous message: a change means the person switched language. */
  lastLocale?: string;
}

/** Observes decisions (for logs and, later, statistics). */
export type DecisionObserver = (context: TurnContext, outcome: RankOutcome) => void;

/** Dependencies of {@link OrientationDialog}. */
export interface OrientationDeps {
  knowledge: KnowledgeProvider;
  language: LanguageStore;
  translate: Translate;
  maxMessageChars: number;
  onDecision?: DecisionObserver;
  /** The id of the dialog that hands the conversation to an agent. */
  handoffDialogId: string;
  /** The clock (opening hours); injected by tests. */
  now?: () => Date;
  /** Records questions, feedback, unanswered questions and ratings. */
  insights?: InsightsPort;
  /** Official service-public.fr fiches offered when the base has no confident answer. */
  longTail?: LongTailPort;
  /** Where messages are ranked (a thread of their own); in place with `search.rank` without it. */
  rank?: Ranking;
}

const YES = new Set(['oui', 'yes', 'si', 'sim', 'ouais', 'yep', 'ok', 'd accord', 'merci oui', 'oui merci', 'نعم']);
const NO = new Set(['non', 'no', 'nao', 'nope', 'pas vraiment', 'not really', 'لا']);

/** The two-letter language of the activity's locale, French by default. */
function uiLocale(context: TurnContext): string {
  return (context.activity.locale ?? 'fr').slice(0, 2).toLowerCase();
}

/** The main dialog of the bot. */
export class OrientationDialog extends Dialog {
  static readonly id = 'orientation';

  constructor(private readonly deps: OrientationDeps) {
    super(OrientationDialog.id);
  }

  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    return this.onMessage(dc);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    return this.onMessage(dc);
  }

  /** Back from the handoff dialog: its last message is handled here when it asks so. */
  override async resumeDialog(dc: DialogContext, _reason: unknown, result?: { reprocess?: boolean } & Partial<RightToErrorResult>): Promise<DialogTurnResult> {
    if (result?.reprocess) return this.onMessage(dc);
    const state = (dc.activeDialog?.state ?? {}) as OrientationState;
    // Back from the droit à l'erreur questions: did this help, or a human for those unsure.
    if (result?.conclusion && result.entryId) {
      const t = this.deps.translate((await this.deps.language.get(dc.context)) ?? 'fr');
      const unsure = result.conclusion === 'unsure' || result.conclusion === 'contradiction' || result.conclusion === 'repeated' || result.conclusion === 'notGoodFaith';
      const actions = unsure ? [t('handoff.offer'), t('feedback.yes'), t('feedback.no')] : [t('feedback.yes'), t('feedback.no'), t('handoff.offer')];
      // The conclusion and "did this help?" in one message, the replies offered under it.
      const text = result.message ? `${result.message}\n\n**${t('feedback.question')}**` : t('feedback.question');
      await dc.context.sendActivity(MessageFactory.suggestedActions(actions, text));
      state.pending = { kind: 'feedback', id: result.entryId };
    }
    return Dialog.EndOfTurn;
  }

  /** Forgets the current topic (a new topic, or starting again keeps only the commune). */
  static forgetTopic(state: OrientationState): void {
    state.lastTopic = undefined;
    state.lastQuestion = undefined;
    state.pending = undefined;
    state.fallbacks = 0;
  }

  private startHandoff(dc: DialogContext, state: OrientationState, lang: string, text: string): Promise<DialogTurnResult> {
    state.fallbacks = 0;
    const options: HandoffOptions = { lang, topic: state.lastTopic, summary: state.lastQuestion ? `${state.lastQuestion}\n${text}` : text };
    return dc.beginDialog(this.deps.handoffDialogId, options);
  }

  /** The "talk to an agent" button in every language, normalised once (read every message). */
  private handoffButtons: Set<string> | undefined;

  /** True when the text is the "talk to an agent" button, in any language. */
  private isHandoffButton(text: string): boolean {
    this.handoffButtons ??= new Set(['fr', 'en', 'es', 'ar'].map((l) => normalise(this.deps.translate(l)('handoff.offer'))));
    return this.handoffButtons.has(normalise(text));
  }

  private async onMessage(dc: DialogContext): Promise<DialogTurnResult> {
    const context = dc.context;
    const state = (dc.activeDialog?.state ?? {}) as OrientationState;
    if (context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const { kb, search } = this.deps.knowledge.current();

    const locale = context.activity.locale?.slice(0, 20);
    if (locale && state.lastLocale && locale !== state.lastLocale) {
      await this.deps.language.set(context, locale.slice(0, 2).toLowerCase());
    }
    if (locale) state.lastLocale = locale;
    const stored = await this.deps.language.get(context);
    const problem = checkInput(context.activity, this.deps.maxMessageChars);
    if (problem) {
      const t = this.deps.translate(stored ?? context.activity.locale ?? 'fr');
      const text = context.activity.text ?? '';
      await context.sendActivity(t(`input.${problem}`, { length: text.length, max: this.deps.maxMessageChars }));
      return Dialog.EndOfTurn;
    }

    const text = context.activity.text as string;
    const pending = state.pending;
    state.pending = undefined;
    if (this.isHandoffButton(text)) return this.startHandoff(dc, state, stored ?? uiLocale(context), text);

    if (pending?.kind === 'clarify') {
      const t = this.deps.translate(stored ?? 'fr');
      const chosen = this.choiceFrom(kb, pending.ids, text);
      if (chosen === 'none') {
        await this.deps.insights?.unanswered(context, state.lastQuestion ?? '', 'notHelpful', stored ?? 'fr');
        await context.sendActivity(t('feedback.sorry'));
        return Dialog.EndOfTurn;
      }
      if (chosen) return this.answer(dc, kb, chosen, stored ?? 'fr', state, state.lastQuestion ?? text);
    }
    if (pending?.kind === 'rating') {
      const t = this.deps.translate(stored ?? 'fr');
      const said = normalise(text);
      if (/^\d+$/.test(said)) {
        const value = Number(said);
        if (value >= 1 && value <= 5) {
          await this.deps.insights?.rating(context, value);
          await context.sendActivity(t('rating.thanks'));
          return Dialog.EndOfTurn;
        }
        // A rating outside 1 to 5 is not recorded; asked again once.
        if (pending.tries < 1) {
          await context.sendActivity(MessageFactory.suggestedActions(['1', '2', '3', '4', '5'], t('rating.invalid')));
          state.pending = { kind: 'rating', tries: pending.tries + 1 };
          return Dialog.EndOfTurn;
        }
        await context.sendActivity(t('rating.skipped'));
        return Dialog.EndOfTurn;
      }
      if (NO.has(said)) {
        await context.sendActivity(t('rating.skipped'));
        return Dialog.EndOfTurn;
      }
    }
    if (pending?.kind === 'feedback') {
      const said = normalise(text);
      const t = this.deps.translate(stored ?? 'fr');
      if (YES.has(said) || said === normalise(t('feedback.yes'))) {
        await this.deps.insights?.feedback(context, pending.id, true, state.lastQuestion);
        await context.sendActivity(t('feedback.thanks'));
        return Dialog.EndOfTurn;
      }
      if (NO.has(said) || said === normalise(t('feedback.no'))) {
        await this.deps.insights?.feedback(context, pending.id, false, state.lastQuestion);
        if (state.lastQuestion) await this.deps.insights?.unanswered(context, state.lastQuestion, 'notHelpful', stored ?? 'fr', pending.id);
        // One message: the apology, how to reach the préfecture, and a human offered.
        await context.sendActivity(MessageFactory.suggestedActions([t('handoff.offer')], `${t('feedback.sorry')}\n\n${t('fallback.contact', { contact: mainContact(kb, stored ?? 'fr') })}`));
        return Dialog.EndOfTurn;
      }
    }

    // A follow-up about the topic just answered is answered from that entry.
    const current = state.lastTopic ? kb.byId.get(state.lastTopic) : undefined;
    const follow = search.followUp(text);
    if (follow) {
      const lang = stored ?? uiLocale(context);
      const t = this.deps.translate(lang);
      const ctx = { commune: state.commune, now: this.deps.now?.() };
      if (!current) {
        // "Où dois-je aller ?" with a commune known and no topic: the site serving it.
        const site = follow === 'where' && state.commune ? communeSiteText(kb, state.commune, lang, t, ctx.now) : undefined;
        await context.sendActivity(site ?? t('followUp.noTopic'));
        return Dialog.EndOfTurn;
      }
      if (follow === 'someoneElse') return this.forSomeoneElse(dc, kb, search, current.id, text, lang, state);
      await context.sendActivity(entrySection(kb, current, follow, lang, t, ctx));
      await this.deps.insights?.question(context, 'answered', current.id);
      return Dialog.EndOfTurn;
    }

    const outcome = this.deps.rank ? await this.deps.rank(search, text, stored ?? context.activity.locale) : search.rank(text, stored ?? context.activity.locale);
    const lang = stored ?? this.firstLanguage(outcome, context.activity.locale);
    if (!stored) await this.deps.language.set(context, lang);
    this.deps.onDecision?.(context, outcome);
    const t = this.deps.translate(lang);

    if (outcome.commune) state.commune = outcome.commune;
    // "Sarcelles" alone (a suggested name, or the answer to "where do you live?").
    if (outcome.communeOnly && outcome.commune) {
      const now = this.deps.now?.();
      await context.sendActivity(current ? entrySection(kb, current, 'where', lang, t, { commune: state.commune, now }) : communeSiteText(kb, outcome.commune, lang, t, now));
      return Dialog.EndOfTurn;
    }
    if (outcome.decision !== 'fallback') state.fallbacks = 0;
    if (outcome.decision !== 'handoff' && outcome.decision !== 'smalltalk') state.lastQuestion = text.slice(0, 500);
    if (outcome.place && (await this.placeOutside(context, kb, outcome, lang))) return Dialog.EndOfTurn;
    switch (outcome.decision) {
      case 'answer':
        return this.answer(dc, kb, outcome.results[0]?.id as string, lang, state, text);
      case 'clarify': {
        const ids = outcome.results.slice(0, 3).map((r) => r.id).filter((id) => kb.byId.has(id));
        const titles = ids.map((id) => entryText(kb.byId.get(id)!, lang).title);
        const reply = MessageFactory.suggestedActions([...titles, t('clarify.none')], t('clarify.prompt'));
        await context.sendActivity(reply);
        state.pending = { kind: 'clarify', ids };
        await this.deps.insights?.question(context, 'clarified');
        break;
      }
      case 'smalltalk': {
        const kind = outcome.smalltalk ?? 'greeting';
        // Goodbye, or thanks after an answer, ends a conversation: a rating is offered once.
        const ending = kind === 'goodbye' || (kind === 'thanks' && state.lastTopic !== undefined);
        if (ending && !state.ratingOffered && this.deps.insights) {
          state.ratingOffered = true;
          state.pending = { kind: 'rating', tries: 0 };
          // One message: the goodbye, then the rating asked, the marks offered under it.
          await context.sendActivity(MessageFactory.suggestedActions(['1', '2', '3', '4', '5', t('rating.no')], `${t(`smalltalk.${kind}`)}\n\n${t('rating.ask')}`));
          break;
        }
        await context.sendActivity(t(`smalltalk.${kind}`));
        break;
      }
      case 'handoff':
        await this.deps.insights?.question(context, 'handoff');
        return this.startHandoff(dc, state, lang, text);
      case 'fallback':
      default: {
        state.fallbacks = (state.fallbacks ?? 0) + 1;
        await this.deps.insights?.question(context, 'notAnswered');
        await this.deps.insights?.unanswered(context, text, 'fallback', lang);
        const fiches = this.deps.longTail?.search(text, 3) ?? [];
        const contact = t('fallback.contact', { contact: mainContact(kb, lang) });
        if (fiches.length > 0) {
          // The long tail: official fiches by title and link, never their (possibly older) text.
          const list = fiches.map((f) => `- [${f.title}](${f.url})`).join('\n');
          await context.sendActivity(MessageFactory.suggestedActions([t('handoff.offer')], `${t('longTail.intro')}\n\n${list}\n\n${t('longTail.note')}\n\n${contact}`));
          break;
        }
        // One message, as an answer is. From the second fallback in a row, a human is offered, not forced.
        const reply = `${t('fallback.text')}\n\n${contact}`;
        await context.sendActivity(state.fallbacks >= 2 ? MessageFactory.suggestedActions([t('handoff.offer')], reply) : MessageFactory.text(reply));
        break;
      }
    }
    return Dialog.EndOfTurn;
  }

  /** The language of a conversation's first searchable message. */
  private firstLanguage(outcome: RankOutcome, locale: string | undefined): string {
    if (outcome.langConfident) return outcome.lang;
    return (locale ?? outcome.lang).slice(0, 2).toLowerCase();
  }

  /** The id chosen among offered ones: by title, by number, or "none of these". */
  private choiceFrom(kb: KnowledgeBase, ids: string[], text: string): string | 'none' | undefined {
    const said = normalise(text);
    const n = Number(said);
    if (Number.isInteger(n) && n >= 1 && n <= ids.length) return ids[n - 1];
    for (const id of ids) {
      const e = kb.byId.get(id);
      if (!e) continue;
      const titles = Object.values(e.text).map((x) => normalise(x.title));
      if (titles.includes(said)) return id;
    }
    const none = ['fr', 'en'].map((l) => normalise(this.deps.translate(l)('clarify.none')));
    return none.includes(said) ? 'none' : undefined;
  }

  /**
   * A place that is not a commune of the département: a commune elsewhere (its préfecture is
   * competent for desk procedures) or a name not found (close names suggested, with the
   * general reception). True when nothing more is to be said this turn.
   */
  private async placeOutside(context: TurnContext, kb: KnowledgeBase, outcome: RankOutcome, lang: string): Promise<boolean> {
    const t = this.deps.translate(lang);
    const place = outcome.place!;
    if (place.elsewhere) {
      await context.sendActivity(t('place.elsewhere', { name: place.elsewhere.name, departement: place.elsewhere.departement.name, code: place.elsewhere.departement.code }));
      const top = outcome.decision === 'answer' ? kb.byId.get(outcome.results[0]?.id ?? '') : undefined;
      // A desk of this préfecture is not theirs; an online procedure or another body still is.
      return !top || top.handler.service !== undefined;
    }
    const contact = t('fallback.contact', { contact: mainContact(kb, lang) });
    const notFound = t('place.notFound', { said: place.said });
    if (place.suggestions.length > 0) {
      // The names are in the text too: when an answer follows, a channel shows only the last
      // message's suggestions (Web Chat), and the person must still see what was meant.
      const names = place.suggestions.join(', ');
      await context.sendActivity(MessageFactory.suggestedActions(place.suggestions, `${notFound} ${t('place.suggest', { names })}\n\n${contact}`));
    } else {
      await context.sendActivity(`${notFound}\n\n${contact}`);
    }
    return outcome.decision !== 'answer' && outcome.decision !== 'clarify';
  }

  /**
   * "Et pour mon fils ?": the same question asked for someone else. The topic and the person
   * are searched together; another entry that fits better is answered, otherwise the person
   * is told that conditions may differ and where the official page details them.
   */
  private async forSomeoneElse(dc: DialogContext, kb: KnowledgeBase, search: KnowledgeSource, currentId: string, text: string, lang: string, state: OrientationState): Promise<DialogTurnResult> {
    const t = this.deps.translate(lang);
    const current = kb.byId.get(currentId)!;
    // The topic's title, not the whole earlier question: its details would drown the person named.
    const topic = entryText(current, lang).title;
    const again = search.rank(`${topic} ${text}`, lang);
    const top = again.results[0]?.id;
    if ((again.decision === 'answer' || again.decision === 'clarify') && top && top !== currentId) {
      await dc.context.sendActivity(t('followUp.someoneElseOther'));
      return this.answer(dc, kb, top, lang, state, `${topic} ${text}`);
    }
    await dc.context.sendActivity(t('followUp.someoneElseSame', { title: entryText(current, lang).title, url: current.sources[0]?.url ?? '' }));
    return Dialog.EndOfTurn;
  }

  private async answer(dc: DialogContext, kb: KnowledgeBase, id: string, lang: string, state: OrientationState, question: string): Promise<DialogTurnResult> {
    const context = dc.context;
    const entry = kb.byId.get(id);
    const t = this.deps.translate(lang);
    if (!entry) {
      await context.sendActivity(t('fallback.text'));
      return Dialog.EndOfTurn;
    }
    state.lastTopic = id;
    await this.deps.insights?.question(context, 'answered', id);
    if (entry.kind === 'error') {
      // A confessed or feared mistake: kindness first, above the card, which closes on the
      // first question the message leaves open (one message).
      const where_ = { commune: state.commune, now: this.deps.now?.() };
      const lead = { text: t('rightToError.reassure'), card: (closingQuestion?: string) => entryCard(kb, entry, lang, t, { ...where_, closingQuestion }) };
      const options: RightToErrorOptions = { entryId: id, lang, text: question, lead };
      return dc.beginDialog(RightToErrorDialog.id, options);
    }
    // One message: the card closes on "did this help?", the replies offered under it. (Two
    // messages cost a second Bot Connector call per answer, the larger part of a turn's CPU
    // after the plumbing: issue 8.)
    const reply = MessageFactory.suggestedActions([t('feedback.yes'), t('feedback.no')]);
    reply.attachments = [entryCard(kb, entry, lang, t, { commune: state.commune, now: this.deps.now?.(), closingQuestion: t('feedback.question') })];
    await context.sendActivity(reply);
    state.pending = { kind: 'feedback', id };
    return Dialog.EndOfTurn;
  }
}
