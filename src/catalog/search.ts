import MiniSearch from 'minisearch';
import { stemmer } from 'stemmer';
import type { Scenario } from './schema.js';

// Ranked full-text search over the catalog, tolerant of typos (edit distance), word forms
// (stemming: "exhausted" finds "exhaustion") and the way engineers paste error states
// ("ImagePullBackOff" finds "image pull back-off").

export interface SearchHit {
  id: string;
  title: string;
  score: number;
  /** Query terms that matched, after normalization. */
  terms: string[];
}

/** Field weights: names an engineer would type first count most. */
const BOOST = { title: 3, aliases: 3, idWords: 2, summary: 1, symptoms: 1, rootCauses: 0.5, category: 0.5 };

const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'by',
  'for',
  'from',
  'in',
  'is',
  'it',
  'its',
  'of',
  'on',
  'or',
  'the',
  'to',
  'with',
  'when',
  'what',
  'why',
  'how',
  'not',
  'no',
  'my',
  'our',
  'this',
  'that',
]);

/** Splits on anything that is not a letter or digit, and also at camelCase humps. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const word of text.split(/[^\p{L}\p{N}]+/u)) {
    if (!word) continue;
    tokens.push(word);
    const parts = word.split(/(?<=[\p{Ll}\p{N}])(?=\p{Lu})/u);
    if (parts.length > 1) tokens.push(...parts);
  }
  return tokens;
}

/**
 * Each word is indexed and searched both as written and stemmed: the stem joins word forms
 * ("exhausted", "exhaustion"), the written form keeps typo matching close to what was typed
 * (a misspelt word often stems to something far from the stem of the right word).
 */
export function normalizeTerm(term: string): string[] | null {
  const lower = term.toLowerCase();
  if (STOP_WORDS.has(lower)) return null;
  // Stemming digits-and-letters tokens such as "x509" or "5xx" would only damage them.
  const stem = /\d/.test(lower) ? lower : stemmer(lower);
  return stem === lower ? [lower] : [lower, stem];
}

/**
 * Edits allowed per query term: none for short terms (where one edit changes the meaning), one from
 * four characters, two from eight.
 */
function fuzziness(term: string): number | false {
  if (term.length >= 8) return 2;
  if (term.length >= 4) return 1;
  return false;
}

type Indexable = Pick<
  Scenario,
  'id' | 'title' | 'aliases' | 'summary' | 'symptoms' | 'rootCauses' | 'category'
>;

export class CatalogSearch {
  readonly #index: MiniSearch;
  readonly #titles = new Map<string, string>();

  constructor(scenarios: readonly Indexable[]) {
    this.#index = new MiniSearch({
      fields: Object.keys(BOOST),
      storeFields: ['title'],
      tokenize,
      processTerm: normalizeTerm,
    });
    this.#index.addAll(
      scenarios.map((s) => ({
        id: s.id,
        idWords: s.id.replaceAll('-', ' '),
        title: s.title,
        aliases: s.aliases.join(' \n '),
        summary: s.summary,
        symptoms: s.symptoms.join(' \n '),
        rootCauses: s.rootCauses.join(' \n '),
        category: s.category,
      })),
    );
    for (const s of scenarios) this.#titles.set(s.id, s.title);
  }

  search(query: string, limit = 10): SearchHit[] {
    const trimmed = query.trim();
    if (!trimmed) return [];
    const results = this.#index.search(trimmed, {
      boost: BOOST,
      fuzzy: (term) => fuzziness(term),
      prefix: (term) => term.length >= 4,
      combineWith: 'OR',
    });
    const hits: SearchHit[] = results.map((r) => ({
      id: String(r.id),
      title: this.#titles.get(String(r.id)) ?? '',
      score: Math.round(r.score * 1000) / 1000,
      terms: [...r.terms].sort(),
    }));
    // A query that is exactly an id names that scenario, whatever the scores say.
    const exact = hits.findIndex((hit) => hit.id === trimmed.toLowerCase());
    if (exact > 0) hits.unshift(...hits.splice(exact, 1));
    return hits.slice(0, limit);
  }
}
