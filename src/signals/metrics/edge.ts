import { median } from '../../stats/robust.js';
import type { Signal } from '../signal.js';
import { clock, metricSignal, pct } from './emit.js';
import { baselineOf, type Shift, shiftOf } from './measures.js';
import { pair, spanOf, windowedShare } from './pairing.js';
import { MINUTE_MS, rollingMean, rollingMedian, type Samples, sliceTime, stretches } from './samples.js';
import type { SeriesIndex } from './series-index.js';
import { levelName, rateWindowMs } from './timescale.js';

// The CDN edge as CloudWatch reports it through the exporter: a distribution's cache hit rate
// against its own baseline and how many requests that sends to the origin; the share of a web
// ACL's requests its WAF rules block, and whether traffic grew with it; the share of an edge
// function's invocations that fail, per Region it runs in.

/** Fewer than one request per period makes shares swing on single requests. */
const MIN_REQUESTS = 1;

export function edgeSignals(index: SeriesIndex): Signal[] {
  return [...cacheHitSignals(index), ...wafSignals(index), ...edgeFunctionSignals(index)];
}

/** The median of a series over the 5 minutes up to `at`: the level at a shift's extreme. */
function levelAt(samples: Samples, at: number): number {
  const rolled = rollingMean(samples, rateWindowMs());
  const values = sliceTime(rolled, at - rateWindowMs(), at).values;
  return values.length > 0 ? median(values) : Number.NaN;
}

/** Level at the extreme over the baseline level (1 when unchanged); NaN-safe. */
function growthAt(samples: Samples, shift: Shift, baselineEnd: number): number {
  const base = baselineOf(rollingMean(samples, rateWindowMs()), baselineEnd);
  const then = levelAt(samples, shift.extreme.at);
  return base !== undefined && base > 0 && Number.isFinite(then) ? then / base : 1;
}

/** How long a lower hit rate must hold to be a low hit ratio rather than a refill after a purge. */
const SUSTAINED_DROP_MS = 20 * MINUTE_MS;
/** Hit-rate levels are read as 3-minute medians: three CloudWatch periods, so one odd period cannot make a dip. */
const DIP_SPAN_MS = 3 * MINUTE_MS;
/**
 * A dip is the hit rate 15 points under its usual level: beyond what content mix and time of day
 * move it, and what a purge of the whole cache does until it refills.
 */
const DIP_DEPTH = 0.15;

/**
 * Separate times the hit rate fell well under its usual level and came back: each purge of the
 * cache empties it and it refills. The usual level is the median of the whole window, which dips
 * lasting minutes in hours do not move.
 */
function cacheHitDips(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  for (const hit of index.all('cdn.cache-hit-rate')) {
    const level = rollingMedian(hit.samples, DIP_SPAN_MS);
    if (level.values.length === 0) continue;
    const usual = median(level.values);
    const dips = stretches(level, (v) => v < usual - DIP_DEPTH);
    const first = dips[0];
    const last = dips[dips.length - 1];
    out.push(
      metricSignal({
        name: 'metrics.cdn.cache-hit.dips',
        about: hit,
        value: dips.length,
        unit: 'count',
        window: first && last ? { start: first.start, end: last.end } : index.window,
        onset: first?.start,
        explanation: `The distribution's cache hit rate fell more than ${pct(DIP_DEPTH)} under its usual ${pct(usual)} ${dips.length} separate time(s)${first ? `, first at ${clock(first.start)}` : ''}.`,
      }),
    );
  }
  return out;
}

function cacheHitSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [...cacheHitDips(index)];
  const baselineEnd = index.baselineEnd();
  for (const hit of index.all('cdn.cache-hit-rate')) {
    // Ten points of hit rate: a distribution's hit rate moves a few points with the content mix
    // and time of day; ten points less is a tenth more of all requests going to the origin. Held
    // for 20 minutes: after a purge the cache refills within about ten minutes, so only a drop
    // that lasts longer is the cache failing to keep what it serves.
    const shift = shiftOf(hit.samples, baselineEnd, {
      direction: 'down',
      minEffect: 0.1,
      spanMs: SUSTAINED_DROP_MS,
    });
    if (!shift) continue;
    const onset = shift.change?.onset;
    const window = spanOf(shift.change, index.window);
    out.push(
      metricSignal({
        name: 'metrics.cdn.cache-hit.drop',
        about: hit,
        value: Math.max(0, -shift.effect),
        unit: 'ratio',
        window,
        onset,
        explanation: `The distribution's cache hit rate held ${pct(shift.extreme.value)} at its lowest ${levelName()} level (around ${clock(shift.extreme.at)}), against ${pct(shift.baseline)} in the baseline${onset !== undefined ? `, from ${clock(onset)}` : ''}.`,
      }),
    );
    const requests = index.companion(hit, 'cdn.requests');
    if (!requests) continue;
    // Requests the edge could not answer from cache, per period: what reaches the origin.
    const misses = pair(requests, hit, (r, h) => r * Math.min(1, Math.max(0, 1 - h)));
    const originGrowth = growthAt(misses, shift, baselineEnd);
    const viewerGrowth = growthAt(requests.samples, shift, baselineEnd);
    out.push(
      metricSignal({
        name: 'metrics.cdn.origin-fetches.shift',
        about: hit,
        value: originGrowth,
        unit: 'ratio',
        window,
        onset,
        explanation: `At the lowest hit rate, requests missing the cache (and so going to the origin) were ${originGrowth.toFixed(1)}× their baseline, while viewer requests were ${viewerGrowth.toFixed(2)}× theirs.`,
      }),
    );
    out.push(
      metricSignal({
        name: 'metrics.cdn.requests.shift',
        about: hit,
        value: viewerGrowth,
        unit: 'ratio',
        window,
        onset,
        explanation: `At the lowest hit rate, the distribution served ${viewerGrowth.toFixed(2)}× its baseline viewer requests.`,
      }),
    );
  }
  return out;
}

function wafSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  const baselineEnd = index.baselineEnd();
  for (const blocked of index.all('waf.blocked')) {
    const allowed = index.companion(blocked, 'waf.allowed');
    if (!allowed) continue;
    const total = pair(blocked, allowed, (b, a) => b + a);
    const share = windowedShare(blocked.samples, total, MIN_REQUESTS);
    // Five points of all requests: bots and scanners make a web ACL's blocked share wander by a
    // point or two; five more points blocked is a whole class of requests turned away.
    const shift = shiftOf(share, baselineEnd, { direction: 'up', minEffect: 0.05, smoothed: true });
    if (!shift) continue;
    const onset = shift.change?.onset;
    const window = spanOf(shift.change, index.window);
    out.push(
      metricSignal({
        name: 'metrics.waf.blocked-share.rise',
        about: blocked,
        value: Math.max(0, shift.effect),
        unit: 'ratio',
        window,
        onset,
        explanation: `The web ACL blocked ${pct(shift.extreme.value)} of its requests at the highest ${levelName()} level (around ${clock(shift.extreme.at)}), against ${pct(shift.baseline)} in the baseline${onset !== undefined ? `, from ${clock(onset)}` : ''}.`,
      }),
    );
    const growth = growthAt(total, shift, baselineEnd);
    out.push(
      metricSignal({
        name: 'metrics.waf.requests.shift',
        about: blocked,
        value: growth,
        unit: 'ratio',
        window,
        onset,
        explanation: `At the highest blocked share, the web ACL saw ${growth.toFixed(2)}× its baseline requests (blocked and allowed together).`,
      }),
    );
  }
  return out;
}

function edgeFunctionSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  const baselineEnd = index.baselineEnd();
  for (const invocations of index.all('edge-fn.invocations')) {
    const errors = index.companion(invocations, 'edge-fn.errors');
    if (!errors) continue;
    const share = windowedShare(errors.samples, invocations.samples, MIN_REQUESTS);
    // Two points of invocations failing: a viewer-triggered function runs on every request, so
    // two in a hundred requests answered 502/503 breaks any availability objective of 99% or better.
    const shift = shiftOf(share, baselineEnd, { direction: 'up', minEffect: 0.02, smoothed: true });
    if (!shift) continue;
    const onset = shift.change?.onset;
    out.push(
      metricSignal({
        name: 'metrics.edge-fn.errors.rise',
        about: invocations,
        value: Math.max(0, shift.effect),
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset,
        explanation: `${pct(shift.extreme.value)} of the edge function's invocations failed at the highest ${levelName()} level (around ${clock(shift.extreme.at)}), against ${pct(shift.baseline)} in the baseline${onset !== undefined ? `, from ${clock(onset)}` : ''}.`,
      }),
    );
  }
  for (const duration of index.all('edge-fn.duration')) {
    // A tenth of a second: every viewer request on the behavior waits for the function, cache hits
    // included, so 100 ms more is time to first byte users notice; a function's own run time
    // wandering by a few milliseconds is not.
    const shift = shiftOf(duration.samples, baselineEnd, { direction: 'up', minEffect: 0.1 });
    if (!shift) continue;
    const onset = shift.change?.onset;
    out.push(
      metricSignal({
        name: 'metrics.edge-fn.duration.rise',
        about: duration,
        value: Math.max(0, shift.effect),
        unit: 's',
        window: spanOf(shift.change, index.window),
        onset,
        explanation: `The edge function ran ${Math.round(shift.extreme.value * 1000)} ms on average at its slowest ${levelName()} level (around ${clock(shift.extreme.at)}), against ${Math.round(shift.baseline * 1000)} ms in the baseline${onset !== undefined ? `, from ${clock(onset)}` : ''}.`,
      }),
    );
  }
  for (const rate of index.all('cdn.5xx-rate')) {
    // One point more of viewer requests answered 5xx by the distribution: an incident for any SLO
    // of 99% or better, whoever produced the error.
    const shift = shiftOf(rate.samples, baselineEnd, { direction: 'up', minEffect: 0.01 });
    if (!shift) continue;
    const onset = shift.change?.onset;
    out.push(
      metricSignal({
        name: 'metrics.cdn.5xx.rise',
        about: rate,
        value: Math.max(0, shift.effect),
        unit: 'ratio',
        window: spanOf(shift.change, index.window),
        onset,
        explanation: `The distribution answered ${pct(shift.extreme.value)} of viewer requests with a 5xx at the highest ${levelName()} level (around ${clock(shift.extreme.at)}), against ${pct(shift.baseline)} in the baseline.`,
      }),
    );
  }
  return out;
}
