import type { Command, FollowUpKind, RightToErrorCue } from './intents';
import type { PlaceOutside } from './places';

/** What the bot does with a message, as `../shared/eval-format.md` defines it. */
export type Decision = 'answer' | 'clarify' | 'fallback' | 'handoff' | 'smalltalk';

/** A ranked entry with its score in [0, 1]. */
export interface RankedResult {
  id: string;
  score: number;
}

/** Which kind of small talk a message is. */
export type SmalltalkKind = 'greeting' | 'thanks' | 'goodbye';

/** Everything the engine concludes about one message. */
export interface RankOutcome {
  text: string;
  /** The language the engine read the message in. */
  lang: 'fr' | 'en' | 'es' | 'pt' | 'ar';
  /** Whether the language guess was clear. */
  langConfident: boolean;
  decision: Decision;
  /** Best first, at most 5. */
  results: RankedResult[];
  /** For `smalltalk`: greeting, thanks or goodbye. */
  smalltalk?: SmalltalkKind;
  /** A commune of the département named in the message. */
  commune?: { code: string; name: string; arrondissement: string };
  /** True when the message is nothing but that commune ("Sarcelles"). */
  communeOnly?: boolean;
  /** A place named that is not a commune of the département (elsewhere, or not found). */
  place?: PlaceOutside;
}

/**
 * The search port: what dialogs ask of the knowledge base. The shipped implementation is
 * {@link KnowledgeSearch}; tests and later sources (revisions, the long tail) implement it too.
 */
export interface KnowledgeSource {
  /** Ranks the entries for a message and decides what to do with it. */
  rank(text: string, locale?: string): RankOutcome;
  /** The part of the current topic a follow-up message asks for ("et quels papiers ?"). */
  followUp(text: string): FollowUpKind | undefined;
  /** The command a message is, when it is nothing but one ("aide", "recommencer"). */
  command(text: string): Command | undefined;
  /** What a message says that answers a droit à l'erreur question. */
  rightToErrorCues(text: string): Set<RightToErrorCue>;
}
