import { median } from '../../stats/robust.js';
import type { Signal } from '../signal.js';
import { bytes, clock, metricSignal, pct, pValue } from './emit.js';
import { TREND_ALPHA, type Trend, trendBucket, trendOf } from './measures.js';
import { bendOnset } from './onset.js';
import { pair } from './pairing.js';
import type { Samples } from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';

// Kernel memory held by an eBPF networking agent's maps (Cilium). Maps grow with the endpoints
// and policies the agent serves; a leak is growth the endpoints do not explain, so the memory is
// also measured per endpoint. Both growths are Theil–Sen slopes over their own starting level,
// reported only when Mann–Kendall finds them significant.

export function ebpfSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  for (const memory of index.all('bpf.map-memory')) {
    const bucket = trendBucket(index.window, index.intervalMs);
    out.push(
      growthSignal('metrics.bpf.map-memory.growth', 'eBPF map memory', memory, memory.samples, bucket, index),
    );
    const endpoints = index.companion(memory, 'bpf.endpoints');
    if (endpoints) {
      const perEndpoint = pair(memory, endpoints, (m, e) => (e > 0 ? m / e : Number.NaN));
      out.push(
        growthSignal(
          'metrics.bpf.map-memory-per-endpoint.growth',
          'eBPF map memory per endpoint',
          memory,
          perEndpoint,
          bucket,
          index,
        ),
      );
    }
  }
  return out;
}

function growthSignal(
  name: string,
  what: string,
  about: RoleSeries,
  samples: Samples,
  bucket: number,
  index: SeriesIndex,
): Signal {
  const trend: Trend | undefined = trendOf([samples], bucket);
  const start = median(samples.values.slice(0, Math.max(3, Math.ceil(samples.values.length / 20))));
  const significant = trend !== undefined && trend.p < TREND_ALPHA && start > 0;
  const growth = significant ? trend.slopePerHour / start : 0;
  const bend = growth > 0 ? bendOnset(samples, 'up') : undefined;
  return metricSignal({
    name,
    about,
    value: growth,
    unit: 'ratio/h',
    window: index.window,
    onset: bend,
    explanation: `${what} changed by ${pct(growth)} of its starting ${bytes(start)} per hour (Theil–Sen ${bytes(trend?.slopePerHour ?? 0)}/h, ${trend ? `Mann–Kendall p ${pValue(trend.p)}` : 'too few points to test'})${bend !== undefined ? `, climbing from ${clock(bend)}` : ''}.`,
  });
}
