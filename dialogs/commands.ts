/**
 * Commands understood at any point of a conversation, said alone: "aide" / "help",
 * "recommencer" / "start over", "changer de langue" / "change language" (and a language's
 * name), "autre chose" / "something else", "effacer ma conversation" / "delete my
 * conversation" (the erasure dialog, when the service provides it). They interrupt whatever dialog is active, the
 * way a person at a counter can always say "wait, let's start again".
 */
import { MessageFactory } from 'botbuilder';
import { DialogContext } from 'botbuilder-dialogs';
import type { Command } from '../knowledge/search/intents';
import type { HandoffPort } from './handoff-port';
import { HandoffDialog } from './handoff-dialog';
import { ErasureDialog } from './erasure-dialog';
import { KnowledgeProvider, LanguageStore, OrientationDialog, OrientationState, Translate } from './orientation-dialog';

/** The languages offered, with their names as shown on the buttons. */
export const LANGUAGE_CHOICES: ReadonlyArray<{ lang: string; label: string }> = [
  { lang: 'fr', label: 'Français' },
  { lang: 'en', label: 'English' },
  { lang: 'es', label: 'Español' },
  { lang: 'ar', label: 'العربية' },
];

/** Dependencies of {@link CommandRouter}. */
export interface CommandDeps {
  knowledge: KnowledgeProvider;
  language: LanguageStore;
  translate: Translate;
  handoff?: HandoffPort;
  maxMessageChars: number;
  /** Whether {@link ErasureDialog} is in the dialog set: without it, "effacer ma conversation" is no command. */
  erasure?: boolean;
}

/** Handles a command before the active dialog sees the message. */
export class CommandRouter {
  constructor(private readonly deps: CommandDeps) {}

  /** The command the message is, if any. */
  detect(text: string | undefined): Command | undefined {
    if (typeof text !== 'string' || !text.trim() || text.length > this.deps.maxMessageChars) return undefined;
    const command = this.deps.knowledge.current().search.command(text);
    return command?.kind === 'erase' && !this.deps.erasure ? undefined : command;
  }

  /** Carries out a command; the active dialog does not see the message. */
  async run(dc: DialogContext, command: Command): Promise<void> {
    const context = dc.context;
    const stored = await this.deps.language.get(context);
    const lang = stored ?? (context.activity.locale ?? 'fr').slice(0, 2).toLowerCase();
    const t = this.deps.translate(lang);
    switch (command.kind) {
      case 'help':
        await context.sendActivity(MessageFactory.suggestedActions([t('commands.buttons.newTopic'), t('handoff.offer'), t('commands.buttons.language'), t('commands.buttons.restart')], t('commands.help')));
        return;
      case 'language':
        await context.sendActivity(MessageFactory.suggestedActions(LANGUAGE_CHOICES.map((c) => c.label), t('commands.chooseLanguage')));
        return;
      case 'setLanguage': {
        const chosen = LANGUAGE_CHOICES.some((c) => c.lang === command.lang) ? command.lang : 'fr';
        await this.deps.language.set(context, chosen);
        await context.sendActivity(this.deps.translate(chosen)('commands.languageSet'));
        return;
      }
      case 'newTopic': {
        await this.toOrientation(dc, false);
        await context.sendActivity(t('commands.newTopic'));
        return;
      }
      case 'erase': {
        // Asked again while confirming: one confirmation, not two stacked.
        if (dc.activeDialog?.id === ErasureDialog.id) dc.stack.shift();
        await dc.beginDialog(ErasureDialog.id, { lang });
        return;
      }
      case 'restart':
      default: {
        const cancelled = await this.toOrientation(dc, true);
        await dc.cancelAllDialogs();
        const parts = [cancelled ? t('commands.restartCancelled') : t('commands.restarted'), t('welcome.text')];
        await context.sendActivity(parts.join('\n\n'));
      }
    }
  }

  /**
   * Ends the dialogs above the orientation dialog and forgets its topic. A waiting handoff
   * request is kept on a new topic (the person may still want the agent) and cancelled on
   * a restart. True when a request was cancelled.
   */
  private async toOrientation(dc: DialogContext, restart: boolean): Promise<boolean> {
    let cancelled = false;
    for (const entry of [...dc.stack]) {
      if (entry.id === HandoffDialog.id && restart && this.deps.handoff) {
        cancelled = (await this.deps.handoff.cancel(dc.context.activity.conversation.id)) || cancelled;
      }
    }
    if (restart) return cancelled;
    const orientation = dc.stack.find((e) => e.id === OrientationDialog.id);
    const waiting = dc.stack.some((e) => e.id === HandoffDialog.id);
    if (!waiting) {
      while (dc.stack.length > 0 && dc.stack[0]!.id !== OrientationDialog.id) dc.stack.shift();
    }
    if (orientation) OrientationDialog.forgetTopic(orientation.state as OrientationState);
    return cancelled;
  }
}
