/**
 * The person's right to erasure (RGPD art. 17), at any point of the conversation: "effacer
 * ma conversation" / "delete my conversation" asks for a confirmation (yes / no); yes erases
 * this conversation's transcript, state, handoff messages and the link of its insights
 * events, then says what was erased and what remains (anonymous counts).
 */
import { MessageFactory } from 'botbuilder';
import type { TurnContext } from 'botbuilder';
import { Dialog, DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { normalise } from '../knowledge/normalise';
import type { Translate } from './orientation-dialog';

/** What an erasure removed (counts only: nothing of the content). */
export interface ErasureReport {
  /** Direct Line activities removed (0 on channels whose transcript the service does not keep). */
  activities: number;
  /** Whether a waiting or ongoing request for an agent was cancelled. */
  handoffCancelled: boolean;
  /** Handoff requests cleared and their transcript lines removed. */
  handoffRequests: number;
  handoffLines: number;
  /** Unanswered questions removed, and events kept but no longer linked to the conversation. */
  questions: number;
  events: number;
}

/** Carries out an erasure (implemented by `bot/erasure.ts`). */
export interface ErasurePort {
  /**
   * Erases everything kept about the conversation of this turn, its bot state included
   * (which is then not written back at the end of the turn).
   */
  erase(context: TurnContext): Promise<ErasureReport>;
}

interface ErasureState {
  lang: string;
}

/** Words that confirm, besides the "yes" button in any language. */
const YES = ['oui', 'yes', 'si', 'sim', 'نعم', 'ok', 'd accord', 'oui effacer', 'effacer', 'delete', 'erase'];
const LANGS = ['fr', 'en', 'es', 'ar'];

/** Asks for a confirmation, then erases the conversation. */
export class ErasureDialog extends Dialog<{ lang: string }> {
  static readonly id = 'erasure';

  constructor(private readonly erasure: ErasurePort, private readonly translate: Translate) {
    super(ErasureDialog.id);
  }

  /** True when the text is the confirmation's "yes" or "no" button, in any language. */
  isButton(text: string): boolean {
    const said = normalise(text);
    return LANGS.some((l) => normalise(this.translate(l)('erasure.yes')) === said || normalise(this.translate(l)('erasure.no')) === said);
  }

  override async beginDialog(dc: DialogContext, options?: { lang: string }): Promise<DialogTurnResult> {
    const lang = options?.lang ?? 'fr';
    (dc.activeDialog!.state as ErasureState).lang = lang;
    const t = this.translate(lang);
    await dc.context.sendActivity(MessageFactory.suggestedActions([t('erasure.yes'), t('erasure.no')], t('erasure.confirm')));
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { lang } = dc.activeDialog!.state as ErasureState;
    const t = this.translate(lang);
    const said = normalise(typeof dc.context.activity.text === 'string' ? dc.context.activity.text : '');
    const yes = YES.includes(said) || LANGS.some((l) => normalise(this.translate(l)('erasure.yes')) === said);
    if (!yes) {
      await dc.context.sendActivity(t('erasure.kept'));
      // Only this dialog goes: the one below (a waiting request, a rating) carries on where it was.
      dc.stack.shift();
      return Dialog.EndOfTurn;
    }
    let report: ErasureReport;
    try {
      report = await this.erasure.erase(dc.context);
    } catch {
      // The service logged the failure; the person learns it and may ask again.
      await dc.context.sendActivity(t('erasure.failed'));
      dc.stack.shift();
      return Dialog.EndOfTurn;
    }
    const parts = [t('erasure.done'), report.handoffCancelled || report.handoffRequests > 0 ? t('erasure.doneHandoff') : '', t('erasure.remains')].filter(Boolean);
    await dc.context.sendActivity(parts.join(' '));
    // For a page that wants to clear what it shows (the transcript it had is gone).
    await dc.context.sendActivity({ type: 'event', name: 'conversationErased' });
    // The state was deleted: the dialog stack is not written back.
    dc.stack.splice(0, dc.stack.length);
    return Dialog.EndOfTurn;
  }
}
