import type { Signal } from '../signal.js';
import { clock, metricSignal, num, seconds } from './emit.js';
import { baselineOf, type Shift, shiftOf } from './measures.js';
import { spanOf } from './pairing.js';
import { sustainedPeak } from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';
import { levelName, sustainMs } from './timescale.js';

// LLM servers (vLLM, Text Generation Inference): how long each output token takes (the decode
// step) and how long the first token takes (queue and prefill), each against the server's own
// baseline. A slower decode with a first token that kept its pace is a token-generation problem;
// a first token that slowed alone is queueing.

/**
 * Half again the baseline: decode steps vary with batch size by tens of percent through a day,
 * so a move under 50% is ordinary batching, not a change.
 */
const MIN_RISE = 0.5;

export function llmSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  for (const itl of index.all('llm.inter-token-latency')) {
    const peak = sustainedPeak(itl.samples, sustainMs());
    if (peak) {
      out.push(
        metricSignal({
          name: 'metrics.llm.inter-token-latency',
          about: itl,
          value: peak.value,
          unit: 's',
          window: index.window,
          explanation: `Output tokens took ${seconds(peak.value)} each on average at the slowest ${levelName()} median (ending ${clock(peak.at)}; ${itl.metrics.join(', ')}).`,
        }),
      );
    }
    const shift = shiftAbove(itl, index);
    if (shift)
      out.push(
        shiftSignal('metrics.llm.inter-token-latency.shift', 'time per output token', itl, shift, index),
      );
  }
  for (const ttft of index.all('llm.ttft')) {
    const shift = shiftAbove(ttft, index);
    if (shift) out.push(shiftSignal('metrics.llm.ttft.shift', 'time to first token', ttft, shift, index));
  }
  return out;
}

function shiftAbove(series: RoleSeries, index: SeriesIndex): Shift | undefined {
  const baseline = baselineOf(series.samples, index.baselineEnd());
  if (baseline === undefined || !(baseline > 0)) return undefined;
  return shiftOf(series.samples, index.baselineEnd(), { direction: 'up', minEffect: MIN_RISE * baseline });
}

function shiftSignal(
  name: string,
  what: string,
  series: RoleSeries,
  shift: Shift,
  index: SeriesIndex,
): Signal {
  const ratio = Math.max(shift.extreme.value, 0) / shift.baseline;
  return metricSignal({
    name,
    about: series,
    value: ratio,
    unit: 'ratio',
    window: spanOf(shift.change, index.window),
    onset: shift.change?.onset,
    explanation: `The mean ${what} rose to ${seconds(shift.extreme.value)} (slowest ${levelName()} median), ${num(ratio)}× its baseline ${seconds(shift.baseline)}${shift.change ? `, from ${clock(shift.change.onset)}` : ''}.`,
  });
}
