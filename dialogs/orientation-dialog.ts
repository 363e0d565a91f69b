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
import { entryCard, entrySection, entryText } from './cards/entry-card';
import type { HandoffOptions } from './handoff-dialog';
import { checkInput } from './input-check';

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
interface OrientationState {
  pending?: { kind: 'clarify'; ids: string[] } | { kind: 'feedback'; id: string };
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
  override async resumeDialog(dc: DialogContext, _reason: unknown, result?: { reprocess?: boolean }): Promise<DialogTurnResult> {
    if (result?.reprocess) return this.onMessage(dc);
    return Dialog.EndOfTurn;
  }

  private startHandoff(dc: DialogContext, state: OrientationState, lang: string, text: string): Promise<DialogTurnResult> {
    state.fallbacks = 0;
    const options: HandoffOptions = { lang, topic: state.lastTopic, summary: state.lastQuestion ? `${state.lastQuestion}\n${text}` : text };
    return dc.beginDialog(this.deps.handoffDialogId, options);
  }

  /** True when the text is the "talk to an agent" button, in any language. */
  private isHandoffButton(text: string): boolean {
    const said = normalise(text);
    return ['fr', 'en', 'es', 'ar'].some((l) => normalise(this.deps.translate(l)('handoff.offer')) === said);
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
        await context.sendActivity(t('feedback.sorry'));
        return Dialog.EndOfTurn;
      }
      if (chosen) {
        await this.answer(context, kb, chosen, stored ?? 'fr', state, state.commune);
        return Dialog.EndOfTurn;
      }
    }
    if (pending?.kind === 'feedback') {
      const said = normalise(text);
      const t = this.deps.translate(stored ?? 'fr');
      if (YES.has(said) || said === normalise(t('feedback.yes'))) {
        await context.sendActivity(t('feedback.thanks'));
        return Dialog.EndOfTurn;
      }
      if (NO.has(said) || said === normalise(t('feedback.no'))) {
        await context.sendActivity(t('feedback.sorry'));
        await context.sendActivity(MessageFactory.suggestedActions([t('handoff.offer')], t('fallback.contact', { contact: mainContact(kb, stored ?? 'fr') })));
        return Dialog.EndOfTurn;
      }
    }

    // A follow-up about the topic just answered is answered from that entry.
    const current = state.lastTopic ? kb.byId.get(state.lastTopic) : undefined;
    const follow = current ? search.followUp(text) : undefined;
    if (current && follow) {
      const lang = stored ?? uiLocale(context);
      await context.sendActivity(entrySection(kb, current, follow, lang, this.deps.translate(lang), { commune: state.commune, now: this.deps.now?.() }));
      return Dialog.EndOfTurn;
    }

    const outcome = search.rank(text, stored ?? context.activity.locale);
    const lang = stored ?? this.firstLanguage(outcome, context.activity.locale);
    if (!stored) await this.deps.language.set(context, lang);
    this.deps.onDecision?.(context, outcome);
    const t = this.deps.translate(lang);

    if (outcome.commune) state.commune = outcome.commune;
    if (outcome.decision !== 'fallback') state.fallbacks = 0;
    if (outcome.decision !== 'handoff') state.lastQuestion = text.slice(0, 500);
    switch (outcome.decision) {
      case 'answer':
        await this.answer(context, kb, outcome.results[0]?.id as string, lang, state, state.commune);
        break;
      case 'clarify': {
        const ids = outcome.results.slice(0, 3).map((r) => r.id).filter((id) => kb.byId.has(id));
        const titles = ids.map((id) => entryText(kb.byId.get(id)!, lang).title);
        const reply = MessageFactory.suggestedActions([...titles, t('clarify.none')], t('clarify.prompt'));
        await context.sendActivity(reply);
        state.pending = { kind: 'clarify', ids };
        break;
      }
      case 'smalltalk':
        await context.sendActivity(t(`smalltalk.${outcome.smalltalk ?? 'greeting'}`));
        break;
      case 'handoff':
        return this.startHandoff(dc, state, lang, text);
      case 'fallback':
      default: {
        state.fallbacks = (state.fallbacks ?? 0) + 1;
        await context.sendActivity(t('fallback.text'));
        const contact = t('fallback.contact', { contact: mainContact(kb, lang) });
        // From the second fallback in a row, a human is offered, not forced.
        await context.sendActivity(state.fallbacks >= 2 ? MessageFactory.suggestedActions([t('handoff.offer')], contact) : contact);
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

  private async answer(context: TurnContext, kb: KnowledgeBase, id: string, lang: string, state: OrientationState, commune?: RankOutcome['commune']): Promise<void> {
    const entry = kb.byId.get(id);
    const t = this.deps.translate(lang);
    if (!entry) {
      await context.sendActivity(t('fallback.text'));
      return;
    }
    state.lastTopic = id;
    await context.sendActivity(MessageFactory.attachment(entryCard(kb, entry, lang, t, { commune, now: this.deps.now?.() })));
    await context.sendActivity(MessageFactory.suggestedActions([t('feedback.yes'), t('feedback.no')], t('feedback.question')));
    state.pending = { kind: 'feedback', id };
  }
}
