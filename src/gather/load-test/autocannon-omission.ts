// autocannon run at a fixed rate (-R/--overallRate, --connectionRate) corrects its latency
// histogram for coordinated omission with HdrHistogram's recordValueWithExpectedInterval, passing
// Math.ceil(1 / rate) as the interval, where rate is a connection's requests per *second*: an
// interval of 1 ms (2 ms and more only below one request per second per connection). Each response
// of L ms then records L, L − 1, …, 1: one value per millisecond below it. The percentiles it
// writes are those of that filled-in histogram (a run whose every response took 41 ms reports a
// median of 21 ms) and latency.totalCount is many times the number of responses.
//
// The filled-in histogram still holds the response times. Its count of values at x ms is the
// number of responses that took at least x ms, so its density between two reported percentiles
// is proportional to the share of responses slower than that point. Faultline reads that
// survival curve back from the spacing of the percentiles and turns it into response-time
// percentiles again.

export interface Quantile {
  q: number;
  value: number;
}

export interface Recovered {
  quantiles: Quantile[];
  mean: number;
}

/**
 * Whether the histogram holds more values than there were responses: without the correction it
 * holds exactly one per recorded response (fewer with --excludeErrorStats), never more.
 */
export function filledIn(totalCount: number | undefined, responses: number): boolean {
  return totalCount !== undefined && responses > 0 && totalCount > responses + Math.max(2, 0.01 * responses);
}

/**
 * Response-time percentiles from the percentiles of a filled-in histogram (with its min and max),
 * at the same levels; undefined when fewer than two distinct values leave no spacing to read.
 */
export function recoverResponseTimes(filled: readonly Quantile[], max: number): Recovered | undefined {
  const points = [...filled, { q: 1, value: max }].sort((a, b) => a.q - b.q || a.value - b.value);
  // Segments between distinct values: their density is proportional to the survival inside them.
  const segments: Array<{ from: number; to: number; density: number }> = [];
  let start = { q: 0, value: 0 };
  for (const p of points) {
    if (p.value <= start.value) {
      start = { q: Math.max(start.q, p.q), value: start.value };
      continue;
    }
    segments.push({ from: start.value, to: p.value, density: (p.q - start.q) / (p.value - start.value) });
    start = p;
  }
  if (segments.length < 2) return undefined;
  // Survival never rises with time: percentiles rounded to whole milliseconds can make a low
  // segment look thinner than the next, so each segment takes at least the density of those after it.
  for (let i = segments.length - 2; i >= 0; i--) {
    const here = segments[i] as (typeof segments)[number];
    here.density = Math.max(here.density, (segments[i + 1] as (typeof segments)[number]).density);
  }
  const top = (segments[0] as (typeof segments)[number]).density;
  if (!(top > 0)) return undefined;
  // Survival at each segment's middle; every response took at least the first segment's start.
  const curve = segments.map((s) => ({ at: (s.from + s.to) / 2, cdf: 1 - s.density / top }));
  curve.push({ at: max, cdf: 1 });
  const mean = segments.reduce((sum, s) => sum + (s.density / top) * (s.to - s.from), 0);
  const quantiles = filled.map(({ q }) => ({ q, value: round(valueAt(curve, q)) }));
  return { quantiles, mean: round(mean) };
}

function valueAt(curve: ReadonlyArray<{ at: number; cdf: number }>, q: number): number {
  let previous = { at: curve[0]?.at ?? 0, cdf: 0 };
  for (const point of curve) {
    if (point.cdf >= q) {
      const span = point.cdf - previous.cdf;
      return span > 0 ? previous.at + ((q - previous.cdf) / span) * (point.at - previous.at) : point.at;
    }
    previous = point;
  }
  return previous.at;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
