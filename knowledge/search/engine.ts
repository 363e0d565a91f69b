/**
 * The search engine: normalise, retrieve, rank, decide. Built once per knowledge base.
 */
import { KnowledgeBase } from '../load';
import { detectLanguage } from '../language';
import { contentTokens, StemLanguage } from '../normalise';
import { DecisionConfig } from '../decision-config';
import { buildIndex, InvertedIndex } from './inverted-index';
import { Command, FollowUpKind, IntentMatcher, RightToErrorCue } from './intents';
import { PlaceLocator } from './places';
import { franceCommunes } from '../france-communes';
import { CommuneFinder } from './communes';
import { RankingOptions, Retriever } from './retrieve';
import { mergeTiers } from './tiers';
import { Decision, KnowledgeSource, RankedResult, RankOutcome } from './types';
import { Entry } from '../schema';

/** At most this many results are returned. */
export const MAX_RESULTS = 5;
/** At most this many choices are offered when clarifying. */
export const MAX_CHOICES = 3;
/** Messages are cut to this length before searching: beyond it, only noise is added. */
export const MAX_QUERY_CHARS = 1000;

const SUPPORTED = new Set(['fr', 'en', 'es', 'pt', 'ar']);

/** Stemmer order for a language: the language itself, then French and English. */
function stemOrder(lang: StemLanguage): StemLanguage[] {
  const order: StemLanguage[] = [lang];
  for (const l of ['fr', 'en'] as const) if (!order.includes(l)) order.push(l);
  return order;
}

/**
 * The decision for a ranking, from the thresholds of `decision.yaml`:
 * answer when the best result is strong and clearly ahead, clarify when it is plausible
 * but not alone, fall back otherwise.
 */
export function decide(results: readonly RankedResult[], config: DecisionConfig): { decision: Decision; choices: number } {
  const [first, second] = results;
  if (!first || first.score < config.clarify) return { decision: 'fallback', choices: 0 };
  const close = results.slice(1, MAX_CHOICES).filter((r) => r.score >= first.score * config.clarifyRatio);
  const margin = first.score - (second?.score ?? 0);
  if (first.score >= config.answer && (margin >= config.margin || close.length === 0)) return { decision: 'answer', choices: 1 };
  if (close.length === 0) return { decision: first.score >= config.answer ? 'answer' : 'fallback', choices: 1 };
  return { decision: 'clarify', choices: 1 + close.length };
}

/** Options of {@link KnowledgeSearch} beyond the thresholds and the ranking constants. */
export interface EngineOptions {
  /**
   * Which entries are the long tail (imported in bulk, such as service-public.fr fiches),
   * ranked on an index of their own and placed after the curated results ({@link mergeTiers}).
   * None by default: every entry of the base is curated.
   */
  longTail?: (entry: Entry) => boolean;
}

/** One tier's index and retriever, with which of its entries are common-error entries. */
interface Tier {
  index: InvertedIndex;
  retriever: Retriever;
  /** Whether each entry (by index) is a common-error entry, looked up for every candidate. */
  isError: readonly boolean[];
}

function tier(entries: readonly Entry[], ranking: Partial<RankingOptions>): Tier {
  const index = buildIndex(entries);
  return { index, retriever: new Retriever(index, ranking), isError: entries.map((e) => e.kind === 'error') };
}

/** The shipped {@link KnowledgeSource}: an inverted index with typo tolerance over one base. */
export class KnowledgeSearch implements KnowledgeSource {
  /** The index of the curated entries (all of them without a long tail). */
  readonly index: InvertedIndex;
  /** The long tail's index, when the options name one and the base holds some. */
  readonly tailIndex: InvertedIndex | undefined;
  private readonly curated: Tier;
  private readonly tail: Tier | undefined;
  private readonly intents: IntentMatcher;
  private readonly communes: CommuneFinder;
  private readonly places: PlaceLocator;
  private readonly ranking: Partial<RankingOptions>;

  constructor(
    readonly kb: KnowledgeBase,
    private readonly config: DecisionConfig = kb.decision,
    ranking: Partial<RankingOptions> = {},
    private readonly options: EngineOptions = {},
  ) {
    const isTail = options.longTail;
    const tailEntries = isTail ? kb.entries.filter(isTail) : [];
    this.curated = tier(tailEntries.length > 0 ? kb.entries.filter((e) => !isTail!(e)) : kb.entries, ranking);
    this.tail = tailEntries.length > 0 ? tier(tailEntries, ranking) : undefined;
    this.index = this.curated.index;
    this.tailIndex = this.tail?.index;
    this.intents = new IntentMatcher(kb.intents);
    this.communes = new CommuneFinder(kb.communes);
    this.places = new PlaceLocator(kb.communes, franceCommunes());
    this.ranking = ranking;
  }

  /** A copy of this engine deciding with other thresholds (used to tune them). */
  withConfig(config: DecisionConfig): KnowledgeSearch {
    return new KnowledgeSearch(this.kb, config, this.ranking, this.options);
  }

  /**
   * Ranked entries for a message whose commune words are taken out (`rest` is what remains).
   * A message that confesses or fears a mistake favours the common-error entries; one that
   * does not favours the procedures.
   */
  private rankedResults(text: string, rest: readonly string[], lang: StemLanguage): RankedResult[] {
    const mistake = this.intents.mentionsMistake(text);
    const opts = this.curated.retriever.options;
    const factor = mistake ? 1 + opts.errorCueBoost : 1 - opts.errorNoCuePenalty;
    const query = rest.join(' ');
    const langs = stemOrder(lang);
    const ranked = (t: Tier): RankedResult[] =>
      t.retriever
        .top(query, langs, MAX_RESULTS, (entry, score) => (t.isError[entry] ? Math.min(1, score * factor) : score))
        .map((s) => ({ id: t.index.ids[s.entry] as string, score: Math.round(s.score * 1000) / 1000 }));
    const curated = ranked(this.curated);
    // With as many curated results as are returned, the long tail would add nothing.
    return this.tail && curated.length < MAX_RESULTS ? mergeTiers(curated, ranked(this.tail), MAX_RESULTS) : curated;
  }

  /** The part of the current topic a follow-up message asks for, if it is one. */
  followUp(text: string): FollowUpKind | undefined {
    return this.intents.followUpKind(text.slice(0, MAX_QUERY_CHARS));
  }

  command(text: string): Command | undefined {
    return this.intents.command(text.slice(0, MAX_QUERY_CHARS));
  }

  rightToErrorCues(text: string): Set<RightToErrorCue> {
    return this.intents.rightToErrorCues(text.slice(0, MAX_QUERY_CHARS));
  }

  rank(text: string, locale?: string): RankOutcome {
    const query = text.slice(0, MAX_QUERY_CHARS);
    const guess = detectLanguage(query);
    const fromLocale = locale?.slice(0, 2).toLowerCase();
    const lang = (guess.confident || !fromLocale || !SUPPORTED.has(fromLocale) ? guess.lang : fromLocale) as RankOutcome['lang'];
    const base = { text, lang, langConfident: guess.confident };

    if (this.intents.isHandoff(query)) return { ...base, decision: 'handoff', results: [] };
    const small = this.intents.smalltalkKind(query);
    if (small) return { ...base, decision: 'smalltalk', results: [], smalltalk: small };

    const { commune, rest } = this.communes.find(query);
    const place = commune ? undefined : this.places.locate(query);
    const results = this.rankedResults(query, place ? rest.filter((w) => !place.said.split(' ').includes(w)) : rest, lang);
    let { decision } = decide(results, this.config);
    // A commune (or a place elsewhere) with no procedure found, or with only "where?", asks
    // where to go: the entry that says it, which then shows the site serving that commune.
    const placeEntry = this.kb.intents.placeEntry;
    const remaining = place ? rest.filter((w) => !place.said.split(' ').includes(w)) : rest;
    const asksWhere = this.intents.followUpKind(remaining.join(' ')) === 'where' || (decision === 'fallback' && this.intents.mentionsPlaceWord(remaining.join(' ')));
    if ((commune || place) && placeEntry && contentTokens(remaining.join(' ')).length > 0 && asksWhere) {
      const score = Math.max(this.config.answer, results.find((r) => r.id === placeEntry)?.score ?? 0);
      results.splice(0, results.length, { id: placeEntry, score }, ...results.filter((r) => r.id !== placeEntry).slice(0, MAX_RESULTS - 1));
      decision = 'answer';
    }
    const communeOnly = commune !== undefined && contentTokens(rest.join(' ')).length === 0;
    return { ...base, decision, results, ...(commune ? { commune } : {}), ...(communeOnly ? { communeOnly } : {}), ...(place ? { place } : {}) };
  }
}
