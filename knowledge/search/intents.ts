/**
 * Recognises messages that are not about a procedure: asking for a human, greetings,
 * thanks and goodbyes, from the phrases of `content/intents.yaml`.
 */
import { Intents } from '../schema';
import { isStopword, stem, tokens } from '../normalise';
import { SmalltalkKind } from './types';

/** The part of the current entry a follow-up question asks for. */
export type FollowUpKind = 'prepare' | 'delays' | 'where' | 'steps' | 'fees' | 'someoneElse';

/** What a message says about a droit à l'erreur question. */
export type RightToErrorCue = 'repeated' | 'firstTime' | 'deliberate' | 'fixed' | 'unsure' | 'yes' | 'no';

/** A command said alone, understood at any point of the conversation. */
export type Command = { kind: 'help' | 'restart' | 'language' | 'newTopic' | 'erase' } | { kind: 'setLanguage'; lang: string };

/**
 * A phrase's words, in order, with its distinct words in the order they are best checked
 * (`rarestFirst`): a phrase occurs only where all its words are, so the words of under five
 * letters come first (one set lookup each, no typo allowed), then the longer ones, longest
 * first: the longest is the word most messages lack, and most phrases are ruled out by one
 * look (matching the hand-off phrases was a tenth of a turn's search, issue 8).
 */
type PhraseTokens = readonly string[] & { readonly rarestFirst: readonly string[] };

/** True when two words are equal or one edit apart (for words of five letters or more). */
export function nearlyEqual(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.min(a.length, b.length) < 5 || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/** No occurrence: one shared empty list (a message is matched against hundreds of phrases). */
const NOWHERE: readonly number[] = [];

/**
 * Positions in `words` where `phrase` occurs contiguously (tolerating one typo per word).
 * Plain loops: a closure per position and per phrase was a tenth of what a turn allocates.
 */
function occurrences(words: readonly string[], phrase: PhraseTokens): readonly number[] {
  let out: number[] | undefined;
  for (let i = 0; i + phrase.length <= words.length; i++) {
    let k = 0;
    while (k < phrase.length && nearlyEqual(words[i + k] as string, phrase[k] as string)) k++;
    if (k === phrase.length) (out ??= []).push(i);
  }
  return out ?? NOWHERE;
}

/**
 * One message's words, which rule out at once the phrases that cannot occur in it: a phrase
 * occurs only where each of its words is nearly equal to a word of the message. Matching
 * every phrase of the intents at every position of a long message was most of the time
 * spent on it.
 */
class Message {
  private readonly present: ReadonlySet<string>;
  /**
   * The words of five letters or more, by length: a phrase word can only be one edit from a
   * word one letter shorter or longer than itself, so only those few are compared (comparing
   * each phrase word with every word of the message was most of the time of intents).
   */
  private readonly byLength: Array<string[] | undefined> = [];

  constructor(readonly words: readonly string[]) {
    this.present = new Set(words);
    for (const w of this.present) {
      if (w.length < 5) continue;
      (this.byLength[w.length] ??= []).push(w);
    }
  }

  /** Where the phrase occurs, as {@link occurrences} finds it. */
  occurrences(phrase: PhraseTokens): readonly number[] {
    const check = phrase.rarestFirst;
    for (let k = 0; k < check.length; k++) if (!this.has(check[k] as string)) return NOWHERE;
    return occurrences(this.words, phrase);
  }

  /** Whether a word of the message is {@link nearlyEqual} to `p`. */
  private has(p: string): boolean {
    if (this.present.has(p)) return true;
    if (p.length < 5) return false;
    for (let len = p.length - 1; len <= p.length + 1; len++) {
      const list = this.byLength[len];
      if (list) for (const w of list) if (nearlyEqual(w, p)) return true;
    }
    return false;
  }
}

function compile(map: Partial<Record<string, string[]>>): PhraseTokens[] {
  const out: PhraseTokens[] = [];
  for (const list of Object.values(map)) {
    for (const phrase of list ?? []) {
      const t = tokens(phrase);
      if (t.length > 0) out.push(Object.assign([...t], { rarestFirst: [...new Set(t)].sort((a, b) => Number(a.length >= 5) - Number(b.length >= 5) || b.length - a.length) }));
    }
  }
  // Longest first, so that "au revoir" is consumed before "revoir".
  return out.sort((a, b) => b.length - a.length);
}

/**
 * The words of a list of phrases, to tell at once that a word belongs to none of them: a
 * message with such a meaningful word cannot be nothing but those phrases, which is all a
 * follow-up or small talk may be. Most messages are questions, ruled out without matching
 * every phrase at every position.
 */
class PhraseWords {
  private readonly exact = new Set<string>();
  /** Words that may be one edit from another (five letters or more), by length. */
  private readonly byLength = new Map<number, string[]>();

  constructor(phrases: ReadonlyArray<readonly string[]>) {
    for (const p of phrases) {
      for (const w of p) {
        if (this.exact.has(w)) continue;
        this.exact.add(w);
        if (w.length < 5) continue;
        const list = this.byLength.get(w.length);
        if (list) list.push(w);
        else this.byLength.set(w.length, [w]);
      }
    }
  }

  /**
   * The answers for words of five letters or more not in the phrases: each took comparing
   * the word with every phrase word of about its length, for every word of every message,
   * by four of these lists (hand-off, small talk, follow-ups, commands).
   */
  private readonly near = new Map<string, boolean>();

  /** Whether {@link nearlyEqual} holds between the word and a word of the phrases. */
  has(word: string): boolean {
    if (this.exact.has(word)) return true;
    if (word.length < 5) return false;
    let found = this.near.get(word);
    if (found === undefined) {
      found = false;
      for (let len = word.length - 1; len <= word.length + 1 && !found; len++) {
        for (const w of this.byLength.get(len) ?? []) {
          if (nearlyEqual(word, w)) {
            found = true;
            break;
          }
        }
      }
      if (this.near.size >= WORD_MEMO_MAX) this.near.clear();
      this.near.set(word, found);
    }
    return found;
  }
}

/** Words whose answer a per-word memo keeps (about 100 bytes each); emptied when full. */
const WORD_MEMO_MAX = 20_000;

/** Whether every meaningful word of `words` may belong to the phrases. */
function onlyPhraseWords(words: readonly string[], phraseWords: PhraseWords): boolean {
  return words.every((w) => isStopword(w) || w.length <= 1 || phraseWords.has(w));
}

/** Matches the intents of one knowledge base. */
export class IntentMatcher {
  private readonly handoff: PhraseTokens[];
  /**
   * The longest word of each hand-off phrase and each person word: a message with none of
   * them can hold neither, and asks for no human. Most messages are questions, told so
   * without matching every hand-off phrase (a tenth of the search's time, issue 8).
   */
  private readonly handoffKeys: PhraseWords;
  private readonly smalltalk: Array<{ kind: SmalltalkKind; phrases: PhraseTokens[] }>;
  private readonly smalltalkWords: PhraseWords;
  private readonly people: PhraseTokens[];
  private readonly asks: PhraseTokens[];
  private readonly qualifiers: PhraseTokens[];
  private readonly mistakeStems: ReadonlySet<string>;
  private readonly mistakeWords = new Map<string, boolean>();
  private readonly followUps: Array<{ kind: FollowUpKind; phrase: PhraseTokens }>;
  private readonly followUpWords: PhraseWords;
  private readonly commands: Array<{ command: Command; phrase: PhraseTokens }>;
  private readonly commandWords: PhraseWords;
  private readonly rightToError: Array<{ cue: RightToErrorCue; phrase: PhraseTokens }>;
  private readonly placeWords: PhraseTokens[];

  constructor(intents: Intents) {
    this.handoff = compile(intents.handoff);
    this.people = compile(intents.handoffWords.people);
    this.asks = compile(intents.handoffWords.asks);
    this.qualifiers = compile(intents.handoffWords.qualifiers);
    this.handoffKeys = new PhraseWords([...this.handoff, ...this.people].map((p) => [p.reduce((a, b) => (b.length > a.length ? b : a))]));
    const cues = new Set<string>();
    for (const list of Object.values(intents.mistake)) {
      for (const word of list ?? []) for (const t of tokens(word)) for (const l of ['fr', 'en'] as const) cues.add(stem(t, l));
    }
    this.mistakeStems = cues;
    // One list, longest phrase first across kinds: "combien de temps" is a delay, not a fee.
    this.followUps = (['prepare', 'delays', 'where', 'steps', 'fees', 'someoneElse'] as const)
      .flatMap((kind) => compile(intents.followUps[kind]).map((phrase) => ({ kind, phrase })))
      .sort((a, b) => b.phrase.length - a.phrase.length);
    this.followUpWords = new PhraseWords(this.followUps.map((f) => f.phrase));
    const commands: Array<{ command: Command; phrase: PhraseTokens }> = [];
    for (const kind of ['help', 'restart', 'language', 'newTopic', 'erase'] as const) {
      for (const phrase of compile(intents.commands[kind] ?? {})) commands.push({ command: { kind }, phrase });
    }
    for (const [lang, names] of Object.entries(intents.languageNames)) {
      for (const phrase of compile({ [lang]: names })) commands.push({ command: { kind: 'setLanguage', lang }, phrase });
    }
    this.commands = commands.sort((a, b) => b.phrase.length - a.phrase.length);
    this.commandWords = new PhraseWords(this.commands.map((c) => c.phrase));
    this.placeWords = compile(intents.placeWords);
    this.rightToError = (['repeated', 'firstTime', 'deliberate', 'fixed', 'unsure', 'yes', 'no'] as const)
      .flatMap((cue) => compile(intents.rightToError[cue]).map((phrase) => ({ cue, phrase })))
      .sort((a, b) => b.phrase.length - a.phrase.length);
    this.smalltalk = (['greeting', 'thanks', 'goodbye'] as const).map((kind) => ({ kind, phrases: compile(intents.smalltalk[kind]) }));
    this.smalltalkWords = new PhraseWords(this.smalltalk.flatMap((s) => s.phrases));
  }

  /**
   * True when the message asks for a human: a set phrase ("je veux parler à un agent"), or
   * a person word with an asking word and at most two other meaningful words ("passez-moi
   * un conseiller"), or a person word with nothing else meaningful ("agent ?").
   */
  isHandoff(text: string): boolean {
    const said = tokens(text);
    // Every phrase's words must all be there (nearly): its longest one first.
    if (!said.some((w) => this.handoffKeys.has(w))) return false;
    const message = new Message(said);
    const words = message.words;
    if (this.handoff.some((p) => message.occurrences(p).length > 0)) return true;
    const consumed = new Array<boolean>(words.length).fill(false);
    const consume = (phrases: PhraseTokens[]): boolean => {
      let found = false;
      for (const p of phrases) {
        for (const at of message.occurrences(p)) {
          found = true;
          for (let k = 0; k < p.length; k++) consumed[at + k] = true;
        }
      }
      return found;
    };
    const person = consume(this.people);
    if (!person) return false;
    const asks = consume(this.asks);
    consume(this.qualifiers);
    const rest = words.filter((w, i) => !consumed[i] && !isStopword(w) && w.length > 1);
    return asks ? rest.length <= 2 : rest.length === 0;
  }

  /**
   * The part of the current topic a message asks for, when it is nothing but a follow-up
   * ("et quels papiers ?", "where do I go?"); undefined for a new question.
   */
  followUpKind(text: string): FollowUpKind | undefined {
    const words = tokens(text);
    if (words.length === 0 || !onlyPhraseWords(words, this.followUpWords)) return undefined;
    const message = new Message(words);
    const consumed = new Array<boolean>(words.length).fill(false);
    const found: Array<{ kind: FollowUpKind; at: number }> = [];
    for (const { kind, phrase } of this.followUps) {
      for (const at of message.occurrences(phrase)) {
        if (consumed.slice(at, at + phrase.length).some(Boolean)) continue;
        for (let k = 0; k < phrase.length; k++) consumed[at + k] = true;
        found.push({ kind, at });
      }
    }
    if (found.length === 0) return undefined;
    const rest = words.filter((w, i) => !consumed[i] && !isStopword(w) && w.length > 1);
    if (rest.length > 0) return undefined;
    // "et pour mon fils, quels papiers ?" is about someone else first.
    if (found.some((f) => f.kind === 'someoneElse')) return 'someoneElse';
    return found.sort((a, b) => a.at - b.at)[0]!.kind;
  }

  /**
   * The command a message is, when it is nothing but a command ("aide", "recommencer",
   * "changer de langue", "autre chose", "English"); a question that mentions help is not.
   */
  command(text: string): Command | undefined {
    const words = tokens(text);
    // Every message is read for a command first: most are questions, with a word no command has.
    if (words.length === 0 || words.length > 8 || !onlyPhraseWords(words, this.commandWords)) return undefined;
    const message = new Message(words);
    for (const { command, phrase } of this.commands) {
      const at = message.occurrences(phrase)[0];
      if (at === undefined) continue;
      const rest = words.filter((w, i) => (i < at || i >= at + phrase.length) && !isStopword(w) && w.length > 1);
      if (rest.length === 0) return command;
    }
    return undefined;
  }

  /**
   * What a message says that answers a droit à l'erreur question, longest phrase first:
   * "pas la première fois" is a repetition, not a first time; "pas encore" is a no.
   */
  rightToErrorCues(text: string): Set<RightToErrorCue> {
    const message = new Message(tokens(text));
    const consumed = new Array<boolean>(message.words.length).fill(false);
    const found = new Set<RightToErrorCue>();
    for (const { cue, phrase } of this.rightToError) {
      for (const at of message.occurrences(phrase)) {
        if (consumed.slice(at, at + phrase.length).some(Boolean)) continue;
        for (let k = 0; k < phrase.length; k++) consumed[at + k] = true;
        found.add(cue);
      }
    }
    return found;
  }

  /** True when the message names the préfecture's offices ("préfecture", "guichet", "rattaché"). */
  mentionsPlaceWord(text: string): boolean {
    const message = new Message(tokens(text));
    return this.placeWords.some((p) => message.occurrences(p).length > 0);
  }

  /** True when the message confesses or fears a mistake ("oublié", "amende", "trompé"). */
  mentionsMistake(text: string): boolean {
    return tokens(text).some((t) => this.isMistakeWord(t));
  }

  /** Whether a word is a mistake cue once stemmed, kept per word (asked for every word of every message). */
  private isMistakeWord(word: string): boolean {
    let cue = this.mistakeWords.get(word);
    if (cue === undefined) {
      cue = this.mistakeStems.has(stem(word, 'fr')) || this.mistakeStems.has(stem(word, 'en'));
      if (this.mistakeWords.size >= WORD_MEMO_MAX) this.mistakeWords.clear();
      this.mistakeWords.set(word, cue);
    }
    return cue;
  }

  /**
   * The kind of small talk when the message is nothing but small talk (with filler words),
   * otherwise undefined: "bonjour, j'ai perdu ma carte grise" is a question, not a greeting.
   */
  smalltalkKind(text: string): SmalltalkKind | undefined {
    const words = tokens(text);
    if (words.length === 0 || !onlyPhraseWords(words, this.smalltalkWords)) return undefined;
    const message = new Message(words);
    const consumed = new Array<boolean>(words.length).fill(false);
    let first: { kind: SmalltalkKind; at: number } | undefined;
    for (const { kind, phrases } of this.smalltalk) {
      for (const p of phrases) {
        for (const at of message.occurrences(p)) {
          if (consumed.slice(at, at + p.length).some(Boolean)) continue;
          for (let k = 0; k < p.length; k++) consumed[at + k] = true;
          if (!first || at < first.at) first = { kind, at };
        }
      }
    }
    if (!first) return undefined;
    const rest = words.filter((w, i) => !consumed[i] && !isStopword(w) && w.length > 1);
    return rest.length === 0 ? first.kind : undefined;
  }
}
