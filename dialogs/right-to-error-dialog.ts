/**
 * The droit à l'erreur conversation (Services Publics+ engagement 1, loi ESSOC of 10 August
 * 2018). After the card of a common error, the person learns whether the droit à l'erreur
 * covers them by answering only the questions their message left open: is it the first
 * time, was it in good faith, is it already put right. The conclusion is kind, never
 * blames, names what the droit à l'erreur does not cover, gives the steps to put it right
 * with the official link and how to avoid it next time; a person unsure can go to a human.
 */
import { Activity, Attachment, MessageFactory } from 'botbuilder';
import { Dialog, DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import type { TFunction } from 'i18next';
import type { Entry } from '../knowledge/schema';
import type { RightToErrorCue } from '../knowledge/search/intents';
import { entryText } from './cards/entry-card';
import type { KnowledgeProvider, Translate } from './orientation-dialog';

/** The questions that decide whether the droit à l'erreur applies, in the order asked. */
export type RightToErrorQuestion = 'firstTime' | 'goodFaith' | 'putRight';
const QUESTIONS: RightToErrorQuestion[] = ['firstTime', 'goodFaith', 'putRight'];

/** What the person answered; undefined means not known yet. */
export interface RightToErrorAnswers {
  firstTime?: boolean;
  goodFaith?: boolean;
  putRight?: boolean;
}

/** How the conversation ends. */
export type RightToErrorConclusion = 'applies' | 'appliesOnceFixed' | 'repeated' | 'notGoodFaith' | 'unsure' | 'contradiction';

/** Options to start the dialog: the error entry answered and the person's message. */
export interface RightToErrorOptions {
  entryId: string;
  lang: string;
  /** The message that led to the entry: it may already answer some questions. */
  text: string;
  /**
   * What comes before the first question, in the same message: the kind words and the
   * error's card, which closes on the question with its answers offered under it (as an
   * answer's card closes on "did this help?"). One message instead of two: the person
   * reads the card and the question together, and a turn makes one Bot Connector call
   * instead of two (issue 8: the turns with two messages made the slowest percent).
   */
  lead?: RightToErrorLead;
}

/** The message a droit à l'erreur conversation starts with (see {@link RightToErrorOptions.lead}). */
export interface RightToErrorLead {
  /** Shown above the card. */
  text: string;
  /** The error's card, closing on `closingQuestion` when one is given. */
  card(closingQuestion?: string): Attachment;
}

/** What the dialog returns to the orientation dialog. */
export interface RightToErrorResult {
  entryId: string;
  conclusion?: RightToErrorConclusion;
  /** Set when the person's last message was not an answer and must be handled as a question. */
  reprocess?: boolean;
  /**
   * The conclusion in the person's words (limits, steps, link, how to avoid it), not sent
   * yet: the orientation dialog sends it with "did this help?" in one message.
   */
  message?: string;
}

interface State {
  entryId: string;
  lang: string;
  answers: RightToErrorAnswers;
  asking?: RightToErrorQuestion;
  /** Unclear replies to the current question: a second one counts as "not sure". */
  unclear: number;
}

/** Reads what the person's first message already says. */
export function answersFromCues(cues: ReadonlySet<RightToErrorCue>): RightToErrorAnswers & { contradiction: boolean } {
  const answers: RightToErrorAnswers = {};
  if (cues.has('repeated')) answers.firstTime = false;
  else if (cues.has('firstTime')) answers.firstTime = true;
  if (cues.has('deliberate')) answers.goodFaith = false;
  if (cues.has('fixed')) answers.putRight = true;
  return { ...answers, contradiction: cues.has('repeated') && cues.has('firstTime') };
}

/** The conclusion once the answers decide it, or undefined while one is still needed. */
export function conclude(answers: RightToErrorAnswers): RightToErrorConclusion | undefined {
  if (answers.firstTime === false) return 'repeated';
  if (answers.goodFaith === false) return 'notGoodFaith';
  if (answers.firstTime === undefined || answers.goodFaith === undefined || answers.putRight === undefined) return undefined;
  return answers.putRight ? 'applies' : 'appliesOnceFixed';
}

/** The next question to ask: only those the answers so far leave open. */
export function nextQuestion(answers: RightToErrorAnswers): RightToErrorQuestion | undefined {
  if (conclude(answers)) return undefined;
  return QUESTIONS.find((q) => answers[q] === undefined);
}

/** The right to error dialog. */
export class RightToErrorDialog extends Dialog<RightToErrorOptions> {
  static readonly id = 'rightToError';

  constructor(
    private readonly knowledge: KnowledgeProvider,
    private readonly translate: Translate,
  ) {
    super(RightToErrorDialog.id);
  }

  override async beginDialog(dc: DialogContext, options?: RightToErrorOptions): Promise<DialogTurnResult> {
    const entryId = options?.entryId ?? '';
    const lang = options?.lang ?? 'fr';
    const { search } = this.knowledge.current();
    const found = answersFromCues(search.rightToErrorCues(options?.text ?? ''));
    const state = Object.assign(dc.activeDialog!.state as State, {
      entryId,
      lang,
      answers: { firstTime: found.firstTime, goodFaith: found.goodFaith, putRight: found.putRight },
      unclear: 0,
    } satisfies State);
    if (found.contradiction) return this.finish(dc, state, 'contradiction', options?.lead);
    return this.askOrConclude(dc, state, true, options?.lead);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as State;
    const t = this.translate(state.lang);
    const text = (dc.context.activity.text ?? '').trim();
    const asking = state.asking;
    if (!asking) return dc.endDialog({ entryId: state.entryId, reprocess: true } satisfies RightToErrorResult);

    const cues = this.knowledge.current().search.rightToErrorCues(text);
    const said = this.reading(asking, cues);
    // Something that is not an answer at all is a new question: the orientation dialog takes it.
    if (said === 'other') return dc.endDialog({ entryId: state.entryId, reprocess: true } satisfies RightToErrorResult);
    // A later reply that takes back an earlier one ("en fait c'est la deuxième fois").
    const extra = answersFromCues(cues);
    for (const q of QUESTIONS) {
      if (q === asking) continue;
      const earlier = state.answers[q];
      const now = extra[q];
      if (earlier !== undefined && now !== undefined && earlier !== now) return this.finish(dc, state, 'contradiction');
    }
    if (said === 'unsure') return this.finish(dc, state, 'unsure');
    if (said === 'both') {
      state.unclear += 1;
      if (state.unclear >= 2) return this.finish(dc, state, 'unsure');
      await dc.context.sendActivity(this.question(t, asking, t('rightToError.again')));
      return Dialog.EndOfTurn;
    }
    state.answers[asking] = said;
    state.unclear = 0;
    return this.askOrConclude(dc, state, false);
  }

  /** How a reply answers the question asked: yes, no, both (contradictory), unsure or other. */
  private reading(asking: RightToErrorQuestion, cues: ReadonlySet<RightToErrorCue>): boolean | 'both' | 'unsure' | 'other' {
    let yes = cues.has('yes');
    let no = cues.has('no');
    // Words that answer the question asked directly count as yes or no.
    if (asking === 'firstTime') {
      if (cues.has('firstTime')) yes = true;
      if (cues.has('repeated')) no = true;
    }
    if (asking === 'goodFaith' && cues.has('deliberate')) no = true;
    if (asking === 'putRight' && cues.has('fixed')) yes = true;
    if (yes && no) return 'both';
    if (yes) return true;
    if (no) return false;
    if (cues.has('unsure')) return 'unsure';
    return 'other';
  }

  /** A question as a message of its own, or closing the lead's card when there is one. */
  private question(t: TFunction, q: RightToErrorQuestion, prefix?: string, lead?: RightToErrorLead): Partial<Activity> {
    const text = [prefix, t(`rightToError.ask.${q}`)].filter(Boolean).join(' ');
    const answers = [t('rightToError.yes'), t('rightToError.no'), t('rightToError.unsure')];
    if (!lead) return MessageFactory.suggestedActions(answers, text);
    const message = MessageFactory.suggestedActions(answers, lead.text);
    message.attachments = [lead.card(text)];
    return message;
  }

  private async askOrConclude(dc: DialogContext, state: State, first: boolean, lead?: RightToErrorLead): Promise<DialogTurnResult> {
    const t = this.translate(state.lang);
    const conclusion = conclude(state.answers);
    if (conclusion) return this.finish(dc, state, conclusion, lead);
    const q = nextQuestion(state.answers) as RightToErrorQuestion;
    state.asking = q;
    const open = QUESTIONS.filter((x) => state.answers[x] === undefined).length;
    await dc.context.sendActivity(this.question(t, q, first ? (open === 1 ? t('rightToError.introOne') : t('rightToError.introMany', { count: open })) : undefined, lead));
    return Dialog.EndOfTurn;
  }

  /**
   * Ends with the conclusion, handed to the orientation dialog to send (with "did this
   * help?"); a lead not shown yet (the first message decided everything) is sent first.
   */
  private async finish(dc: DialogContext, state: State, conclusion: RightToErrorConclusion, lead?: RightToErrorLead): Promise<DialogTurnResult> {
    const t = this.translate(state.lang);
    const entry = this.knowledge.current().kb.byId.get(state.entryId);
    const parts: string[] = [t(`rightToError.conclusion.${conclusion}`)];
    if (entry) parts.push(...this.details(entry, state.lang, t, conclusion));
    if (lead) await dc.context.sendActivity(MessageFactory.attachment(lead.card(), lead.text));
    return dc.endDialog({ entryId: state.entryId, conclusion, message: parts.join('\n\n') } satisfies RightToErrorResult);
  }

  /** The entry's own words for the conclusion: limits, steps and link, how to avoid it. */
  private details(entry: Entry, lang: string, t: TFunction, conclusion: RightToErrorConclusion): string[] {
    const text = entryText(entry, lang);
    const link = entry.sources[0]?.url;
    const steps = text.steps.map((s, n) => `${n + 1}. ${s}`).join('\n');
    const avoid = text.avoid.map((a) => `- ${a}`).join('\n');
    const out: string[] = [];
    if (text.limits) out.push(`**${t('card.limits')}** : ${text.limits}`);
    if (conclusion !== 'applies' && steps) out.push(`**${t('card.fix')}**\n\n${steps}`);
    if (link) out.push(t('rightToError.link', { url: link }));
    if (avoid && conclusion !== 'unsure' && conclusion !== 'contradiction') out.push(`**${t('card.avoid')}**\n\n${avoid}`);
    return out;
  }
}
