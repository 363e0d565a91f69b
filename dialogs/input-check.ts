/**
 * Messages the search cannot use: empty, without words, attachments only, too long. Each
 * gets a kind reply instead of a search.
 */
import { Activity } from 'botbuilder';

/** Why a message cannot be searched, or undefined when it can. */
export type InputProblem = 'empty' | 'noText' | 'attachment' | 'tooLong';

/** Checks a message activity before it reaches the search. */
export function checkInput(activity: Partial<Activity>, maxChars: number): InputProblem | undefined {
  const text = typeof activity.text === 'string' ? activity.text : '';
  const hasAttachments = Array.isArray(activity.attachments) && activity.attachments.length > 0;
  if (text.trim() === '') return hasAttachments ? 'attachment' : 'empty';
  if (text.length > maxChars) return 'tooLong';
  if (!/[\p{L}\p{N}]/u.test(text)) return 'noText';
  return undefined;
}
