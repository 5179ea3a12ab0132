import { DDSketch, type SketchJson } from './ddsketch.js';

// Operations on serialized sketches that the DDSketch class does not need for itself.

/** Merges serialized sketches into one live sketch (empty when there are none). */
export function mergeSketches(sketches: Iterable<SketchJson | DDSketch>): DDSketch {
  let merged: DDSketch | undefined;
  for (const sketch of sketches) {
    const live = sketch instanceof DDSketch ? sketch : DDSketch.fromJSON(sketch);
    if (!merged) merged = new DDSketch(live.alpha);
    merged.merge(live);
  }
  return merged ?? new DDSketch();
}

/**
 * The sketch of `whole` minus the values in `part` (which were added to both), bin by bin: e.g.
 * successful requests = all requests − failed requests. Exact for the counts; min and max stay
 * those of `whole` because the removed values' extremes are not known.
 */
export function subtractSketch(whole: SketchJson, part: SketchJson): DDSketch {
  if (part.count === 0) return DDSketch.fromJSON(whole);
  if (part.alpha !== whole.alpha) throw new Error('cannot subtract sketches of different accuracy');
  const bins = whole.bins.map((weight, i) => {
    const j = whole.offset + i - part.offset;
    const removed = j >= 0 && j < part.bins.length ? (part.bins[j] ?? 0) : 0;
    return Math.max(0, weight - removed);
  });
  const zero = Math.max(0, whole.zero - part.zero);
  const count = bins.reduce((s, w) => s + w, zero);
  return DDSketch.fromJSON({
    ...whole,
    bins,
    zero,
    count,
    sum: Math.max(0, whole.sum - part.sum),
    ...(count === 0 ? { min: 0, max: 0 } : {}),
  });
}

/** A sketch's non-empty bins as (representative value, weight) pairs. */
export function sketchBins(sketch: DDSketch): Array<{ value: number; weight: number }> {
  const bins: Array<{ value: number; weight: number }> = [];
  sketch.forEachBin((value, weight) => bins.push({ value, weight }));
  return bins;
}
