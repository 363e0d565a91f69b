/**
 * The person's side of a handoff: when agents answer, the request joins the queue and the
 * person learns their position and estimated wait, can keep writing (their messages join
 * the transcript) and can cancel; when agents are away, the person learns when they are
 * back and may leave a message with contact details, asked with consent.
 */
import { MessageFactory, TurnContext } from 'botbuilder';
import { Dialog, DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { normalise } from '../knowledge/normalise';
import { PARIS } from '../knowledge/opening-hours';
import type { HandoffAsk, HandoffMark, HandoffPort } from './handoff-port';
import type { Translate } from './orientation-dialog';

/** What the dialog is waiting for. */
type Step = 'offer' | 'consent' | 'contact' | 'message' | 'waiting' | 'comment';

interface HandoffDialogState {
  step: Step;
  ask: HandoffAsk;
  contact?: string;
  /** The closed request being rated. */
  rated?: { id: string; rating: number };
}

/** Options to start a handoff. */
export interface HandoffOptions {
  lang: string;
  topic?: string;
  summary: string;
}

const LANGS = ['fr', 'en', 'es', 'ar'];
const CONTACT = /([\w.+-]+@[\w-]+(\.[\w-]+)+)|((\+|00)?\d[\d .-]{7,17}\d)/;
const MAX_FIELD = 1000;

/** The handoff dialog. */
export class HandoffDialog extends Dialog<HandoffOptions> {
  static readonly id = 'handoff';

  constructor(
    private readonly handoff: HandoffPort,
    private readonly translate: Translate,
    private readonly contactLine: (lang: string) => string,
    private readonly mark?: HandoffMark,
  ) {
    super(HandoffDialog.id);
  }

  /** True when the text is, in any language, the given button or word. */
  private says(text: string, key: string, extra: string[] = []): boolean {
    const said = normalise(text);
    return LANGS.some((l) => normalise(this.translate(l)(key)) === said) || extra.includes(said);
  }

  private when(date: Date, lang: string): string {
    return new Intl.DateTimeFormat(lang, { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: PARIS }).format(date);
  }

  override async beginDialog(dc: DialogContext, options?: HandoffOptions): Promise<DialogTurnResult> {
    const context = dc.context;
    const lang = options?.lang ?? 'fr';
    const t = this.translate(lang);
    const ask: HandoffAsk = {
      conversationId: context.activity.conversation.id,
      channelId: context.activity.channelId,
      reference: TurnContext.getConversationReference(context.activity) as unknown as Record<string, unknown>,
      lang,
      topic: options?.topic,
      summary: (options?.summary ?? '').slice(0, MAX_FIELD),
    };
    const state = dc.activeDialog!.state as HandoffDialogState;
    state.ask = ask;
    const outcome = await this.handoff.request(ask);
    if (outcome.kind === 'closed') {
      const text = outcome.reopensAt ? t('handoff.closed', { when: this.when(outcome.reopensAt, lang) }) : t('handoff.closedNoDate');
      await context.sendActivity(MessageFactory.suggestedActions([t('handoff.leaveMessage'), t('handoff.noThanks')], text));
      state.step = 'offer';
      return Dialog.EndOfTurn;
    }
    await this.mark?.asked(context);
    await context.sendActivity(MessageFactory.suggestedActions([t('handoff.cancel')], t('handoff.queued', { position: outcome.position, minutes: outcome.etaMinutes })));
    state.step = 'waiting';
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const context = dc.context;
    const state = dc.activeDialog!.state as HandoffDialogState;
    const lang = state.ask.lang;
    const t = this.translate(lang);
    const text = (context.activity.text ?? '').trim().slice(0, MAX_FIELD);

    switch (state.step) {
      case 'offer':
        if (this.says(text, 'handoff.leaveMessage', ['oui', 'yes', 'si', 'نعم'])) {
          await context.sendActivity(MessageFactory.suggestedActions([t('handoff.consentYes'), t('handoff.consentNo')], t('handoff.consent')));
          state.step = 'consent';
          return Dialog.EndOfTurn;
        }
        await context.sendActivity(t('handoff.declined'));
        return dc.endDialog();
      case 'consent':
        if (this.says(text, 'handoff.consentYes', ['oui', 'yes', 'si', 'نعم', 'ok', 'd accord'])) {
          await context.sendActivity(t('handoff.askContact'));
          state.step = 'contact';
          return Dialog.EndOfTurn;
        }
        await context.sendActivity(t('handoff.noConsent', { contact: this.contactLine(lang) }));
        return dc.endDialog();
      case 'contact': {
        const found = CONTACT.exec(text);
        if (!found) {
          await context.sendActivity(t('handoff.invalidContact'));
          return Dialog.EndOfTurn;
        }
        state.contact = found[0];
        await context.sendActivity(t('handoff.askMessage'));
        state.step = 'message';
        return Dialog.EndOfTurn;
      }
      case 'comment':
        if (state.rated && !this.says(text, 'feedback.no', ['non', 'no', 'nao', 'لا', 'rien'])) await this.handoff.rate(state.rated.id, state.rated.rating, text);
        await context.sendActivity(t('handoff.commentThanks'));
        return dc.endDialog();
      case 'message':
        await this.handoff.leaveMessage({ ...state.ask, contact: state.contact ?? '', message: text });
        await context.sendActivity(t('handoff.messageLeft'));
        return dc.endDialog();
      case 'waiting':
      default: {
        if (this.says(text, 'handoff.cancel', ['annuler', 'cancel', 'cancelar', 'الغاء', 'stop'])) {
          await this.handoff.cancel(state.ask.conversationId);
          await context.sendActivity(t('handoff.cancelled'));
          return dc.endDialog();
        }
        const status = await this.handoff.status(state.ask.conversationId);
        if (!status) {
          const latest = await this.handoff.latest(state.ask.conversationId);
          // Nobody took the request in time: the person was offered the message form.
          if (latest?.state === 'expired' && this.says(text, 'handoff.leaveMessage')) {
            await context.sendActivity(MessageFactory.suggestedActions([t('handoff.consentYes'), t('handoff.consentNo')], t('handoff.consent')));
            state.step = 'consent';
            return Dialog.EndOfTurn;
          }
          if (latest?.state === 'expired' && this.says(text, 'handoff.noThanks')) {
            await context.sendActivity(t('handoff.declined'));
            return dc.endDialog();
          }
          // The agent closed: the person may rate the exchange.
          const rating = Number(text);
          if (latest?.state === 'closed' && latest.rating === undefined && Number.isInteger(rating) && rating >= 1 && rating <= 5) {
            await this.handoff.rate(latest.id, rating);
            await context.sendActivity(t('handoff.rated'));
            state.rated = { id: latest.id, rating };
            state.step = 'comment';
            return Dialog.EndOfTurn;
          }
          // Otherwise the message goes back to the bot.
          return dc.endDialog({ reprocess: true });
        }
        if (text) await this.handoff.notePerson(state.ask.conversationId, text);
        await context.sendActivity(MessageFactory.suggestedActions([t('handoff.cancel')], t('handoff.waiting', { position: status.position, minutes: status.etaMinutes })));
        return Dialog.EndOfTurn;
      }
    }
  }
}
