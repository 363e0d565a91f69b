/**
 * Phrases (commune names, place cues) grouped by their first word: a phrase can only start
 * at a word of the message, so a message is matched against the few phrases starting with
 * one of its words rather than against all of them (issue 8, a turn's CPU).
 */

/** The indexes of `phrases` by first word, in increasing order for each word. */
export function byFirstWord(phrases: ReadonlyArray<readonly string[]>): Map<string, number[]> {
  const index = new Map<string, number[]>();
  phrases.forEach((words, i) => {
    const first = words[0];
    if (first === undefined) return;
    const list = index.get(first);
    if (list) list.push(i);
    else index.set(first, [i]);
  });
  return index;
}
