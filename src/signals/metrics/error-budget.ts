import type { Signal } from '../signal.js';
import { clock, metricSignal, num, pct } from './emit.js';
import { pair, sumOf } from './pairing.js';
import { HOUR_MS, integrate, MINUTE_MS, rolling, type Samples } from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';

// The error budget of the HTTP service as a whole (5xx over all requests of all servers), read the
// way multi-window burn-rate alerts read it (Google SRE Workbook, "Alerting on SLOs"): the budget
// burns at the error ratio over the allowed error ratio, a fast burn pages when both the last hour
// and the last 5 minutes burn 14.4 times faster than the budget allows, and the budget consumed is
// counted against a 30-day SLO window.

/**
 * The availability objective assumed: 99.9% of requests answered without a 5xx, the objective
 * the workbook's burn-rate thresholds are worked out for and the most common one for user-facing
 * APIs. Its error budget is 0.1% of requests.
 */
const SLO_TARGET = 0.999;
const BUDGET = 1 - SLO_TARGET;
/** The SLO window the budget is counted over: 30 days. */
const SLO_WINDOW_MS = 30 * 24 * HOUR_MS;
/** A fast-burn page: 14.4× the sustainable rate spends 2% of a 30-day budget in one hour. */
const FAST_BURN = 14.4;
const LONG_MS = HOUR_MS;
const SHORT_MS = 5 * MINUTE_MS;
/** Below a request a second the ratio swings on single requests; such stretches are left out. */
const MIN_REQUESTS = 1;

export function errorBudgetSignals(index: SeriesIndex): Signal[] {
  const requests = sumOf(index.all('http.requests'));
  if (!requests) return [];
  const errorSeries = index.all('http.errors');
  // A server that never answered 5xx may export no 5xx series at all: its errors are 0.
  const errors = sumOf(errorSeries) ?? { times: requests.times, values: requests.values.map(() => 0) };
  const burnOver = (spanMs: number) =>
    pair(mean(errors, spanMs), mean(requests, spanMs), (e, r) =>
      r >= MIN_REQUESTS ? e / r / BUDGET : Number.NaN,
    );
  const long = burnOver(LONG_MS);
  const short = burnOver(SHORT_MS);
  const both = pair(long, short, (l, s) => Math.min(l, s));
  if (both.values.length === 0) return [];
  let peak = 0;
  both.values.forEach((v, i) => {
    if (v > (both.values[peak] as number)) peak = i;
  });
  const fired = both.times.filter((_, i) => (both.values[i] as number) > FAST_BURN);
  const onset = fired[0];
  const source = (index.all('http.requests')[0] as RoleSeries).source;
  const totalErrors = integrate(errors);
  const totalRequests = integrate(requests);
  const span = index.window.end - index.window.start;
  // The budget of 30 days is BUDGET × (the window's request rate × 30 days).
  const consumed = totalRequests > 0 ? (totalErrors / totalRequests / BUDGET) * (span / SLO_WINDOW_MS) : 0;
  const value = both.values[peak] as number;
  return [
    metricSignal({
      name: 'metrics.slo.burn-rate.fast',
      sources: [source],
      value,
      unit: 'ratio',
      window: onset !== undefined ? { start: onset, end: fired[fired.length - 1] as number } : index.window,
      onset,
      explanation: `Against a ${pct(SLO_TARGET)} availability objective, the error budget burned at up to ${num(value)}× the sustainable rate over both the last hour and the last 5 minutes (around ${clock(both.times[peak] as number)})${onset !== undefined ? `; a ${FAST_BURN}× fast-burn alert would have fired at ${clock(onset)}` : `, below the ${FAST_BURN}× of a fast-burn alert`}.`,
    }),
    metricSignal({
      name: 'metrics.slo.budget-consumed',
      sources: [source],
      value: consumed,
      unit: 'ratio',
      window: index.window,
      onset,
      explanation: `${num(totalErrors)} of ${num(totalRequests)} requests over all servers got a 5xx in the window: ${pct(consumed)} of a 30-day error budget at ${pct(SLO_TARGET)}.`,
    }),
  ];
}

/** Trailing mean over spanMs, once a whole span of samples is there. */
function mean(samples: Samples, spanMs: number): Samples {
  return rolling(samples, spanMs, (w) => w.reduce((s, v) => s + v, 0) / w.length);
}
