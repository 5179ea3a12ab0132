import type { Signal } from '../signal.js';
import { clock, metricSignal, minutes, num, pct } from './emit.js';
import { countOf, levelOf, sustainedTime } from './measures.js';
import { ratioTo, spanOf } from './pairing.js';
import { MINUTE_MS, rollingMean, type Samples } from './samples.js';
import type { SeriesIndex } from './series-index.js';
import { spanWords, sustainMs } from './timescale.js';

// Application pools: connections checked out of a pool against its maximum, requests waiting for
// a connection, acquisition timeouts, and busy worker threads against the thread limit.

/**
 * A pool at 90% has one or two connections left on a typical 10-connection pool: the next burst
 * waits. It is the level from which the onset of a pool filling up is dated.
 */
const NEARLY_FULL = 0.9;
/**
 * Pool and thread gauges jump within seconds; a 2-minute hold (0.4 of the 5-minute level, and of
 * the shorter level of a short window) is a state, not one busy scrape.
 */
const poolSpanMs = () => 0.4 * sustainMs();

export function poolSignals(index: SeriesIndex): Signal[] {
  return [...utilizationSignals(index), ...waitSignals(index), ...threadSignals(index)];
}

/**
 * How full the pool was: its highest short median (the pool ran dry) and its highest mean over a
 * level's span (5 minutes on incident windows). Gauges scraped every few seconds catch a pool that
 * is full most of the time in only some scrapes; the mean is its load (Little's law: busy
 * connections = requests/s × hold time), and from the load queueing theory tells how often a
 * request waits: on a 10-connection pool at 85% (Erlang C) more than half of them do.
 */
function utilizationSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  for (const active of index.all('pool.active')) {
    const max = index.companion(active, 'pool.max');
    if (!max) continue;
    const share = ratioTo(active, max);
    const level = levelOf(share, NEARLY_FULL, poolSpanMs());
    if (!level) continue;
    out.push(
      metricSignal({
        name: 'metrics.pool.utilization',
        about: active,
        value: level.peak.value,
        unit: 'ratio',
        window: spanOf(level.change, index.window),
        onset: level.change?.onset,
        explanation: `The pool had ${pct(level.peak.value)} of its connections in use at its highest ${spanWords(poolSpanMs())} median (ending ${clock(level.peak.at)})${level.change ? `, above ${pct(NEARLY_FULL)} from ${clock(level.change.onset)}` : ''}.`,
      }),
    );
    const mean = highestMean(share, sustainMs());
    if (mean) {
      out.push(
        metricSignal({
          name: 'metrics.pool.utilization.mean',
          about: active,
          value: mean.value,
          unit: 'ratio',
          window: { start: mean.at - sustainMs() / 2, end: mean.at + sustainMs() / 2 },
          onset: level.change?.onset,
          explanation: `On average ${pct(mean.value)} of the pool's connections were in use over the busiest ${spanWords(sustainMs())} (ending ${clock(mean.at + sustainMs() / 2)}).`,
        }),
      );
    }
  }
  return out;
}

/** The highest mean of the series over a span, and the span's middle. */
function highestMean(samples: Samples, spanMs: number): { value: number; at: number } | undefined {
  const rolled = rollingMean(samples, spanMs);
  let best: { value: number; at: number } | undefined;
  rolled.values.forEach((value, i) => {
    if (Number.isFinite(value) && (!best || value > best.value))
      best = { value, at: rolled.times[i] as number };
  });
  return best;
}

/** Requests waiting for a connection, for how long and how often, and waits that timed out. */
function waitSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  for (const pending of index.all('pool.pending')) {
    // Waiting in at least half of the scrapes of the span: requests queue for connections as a rule, not in a lucky scrape.
    const time = sustainedTime(pending.samples, (v) => v > 0, poolSpanMs());
    out.push(
      metricSignal({
        name: 'metrics.pool.pending',
        about: pending,
        value: time.ms / MINUTE_MS,
        unit: 'min',
        window: time.first !== undefined ? { start: time.first, end: time.last ?? time.first } : index.window,
        onset: time.first,
        explanation:
          time.ms > 0
            ? `Requests waited for a pool connection for ${minutes(time.ms)} (${spanWords(poolSpanMs())} medians above 0), from ${clock(time.first as number)}.`
            : `Requests never waited for a pool connection for ${spanWords(poolSpanMs()).replace('-', ' ')}s.`,
      }),
    );
    // The same wait as a share of the window after the baseline: a short rehearsal cannot hold minutes.
    const after = index.window.end - index.baselineEnd();
    const share = after > 0 ? Math.min(1, time.ms / after) : 0;
    out.push(
      metricSignal({
        name: 'metrics.pool.pending.share',
        about: pending,
        value: share,
        unit: 'ratio',
        window: time.first !== undefined ? { start: time.first, end: time.last ?? time.first } : index.window,
        onset: time.first,
        explanation: `Requests waited for a pool connection during ${pct(share)} of the window after its baseline.`,
      }),
    );
  }
  for (const timeouts of index.all('pool.timeouts')) {
    const count = countOf(timeouts.samples);
    const total = Math.round(count.total);
    out.push(
      metricSignal({
        name: 'metrics.pool.timeouts',
        about: timeouts,
        value: total,
        unit: 'timeouts',
        window:
          count.first !== undefined ? { start: count.first, end: count.last ?? count.first } : index.window,
        onset: total > 0 ? count.first : undefined,
        explanation:
          total > 0
            ? `${num(total)} pool acquisition timeouts in the window, the first at ${clock(count.first as number)}.`
            : 'No pool acquisition timeouts in the window.',
      }),
    );
  }
  return out;
}

function threadSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  for (const busy of index.all('threads.busy')) {
    const max = index.companion(busy, 'threads.max');
    if (!max) continue;
    const level = levelOf(ratioTo(busy, max), NEARLY_FULL, poolSpanMs());
    if (!level) continue;
    out.push(
      metricSignal({
        name: 'metrics.threads.utilization',
        about: busy,
        value: level.peak.value,
        unit: 'ratio',
        window: spanOf(level.change, index.window),
        onset: level.change?.onset,
        explanation: `${pct(level.peak.value)} of the worker threads were busy at the highest 2-minute median (ending ${clock(level.peak.at)})${level.change ? `, above ${pct(NEARLY_FULL)} from ${clock(level.change.onset)}` : ''}.`,
      }),
    );
  }
  return out;
}
