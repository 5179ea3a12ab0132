import { median } from '../../stats/robust.js';
import type { Signal } from '../signal.js';
import { bytes, clock, metricSignal, minutes, num, pct } from './emit.js';
import { baselineOf, shiftOf } from './measures.js';
import { changeBeyond } from './onset.js';
import { pair, spanOf } from './pairing.js';
import { MINUTE_MS, type Samples, stretches, stretchMs, sustainedPeak, usualInterval } from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';
import { levelName, sustainMs } from './timescale.js';

// GPUs as the NVIDIA DCGM exporter reports them: how full the framebuffer is and whether it
// filled inside the window, how far the SM clock fell while the GPU was busy (a clock that falls
// because the work stopped is idle downclocking, not throttling), how hot the die ran, and how
// long NVML reported thermal or power slowdown among its clocks event reasons.

/** Framebuffer 95% full: allocators hand out the last few hundred MiB in large blocks, so the next big tensor fails. */
const NEAR_FULL = 0.95;
/** A rise of 5 points of the framebuffer is more than the allocator's caching moves a steady workload. */
const MEMORY_MIN_RISE = 0.05;
/** A GPU is busy when a kernel ran at least 80% of the sample period: clocks then sit at their boost level unless held down. */
const BUSY = 0.8;
/** A 10% lower SM clock under the same load is far beyond GPU Boost's few-bin jitter (15 MHz bins). */
const CLOCK_MIN_DROP = 0.1;
/**
 * Data-centre NVIDIA boards report a max operating temperature in the mid 80s °C (nvidia-smi -q -d
 * TEMPERATURE); past 83 °C GPU Boost starts giving up clock bins, so the onset of heat is dated there.
 */
const HOT_CELSIUS = 83;
/** NVML clocks event reasons: SW thermal slowdown (0x20) and HW thermal slowdown (0x40). */
const THERMAL_BITS = [0x20, 0x40];
/** NVML clocks event reasons: SW power cap (0x4) and HW power brake slowdown (0x80). */
const POWER_BITS = [0x4, 0x80];

export function gpuSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  for (const used of index.all('gpu.memory-used')) {
    const free = index.companion(used, 'gpu.memory-free');
    if (free) out.push(...memorySignals(used, free, index));
  }
  for (const sm of index.all('gpu.sm-clock')) {
    const util = index.companion(sm, 'gpu.utilization');
    const signal = util ? clockDropSignal(sm, util, index) : undefined;
    if (signal) out.push(signal);
  }
  for (const temperature of index.all('gpu.temperature')) {
    const peak = sustainedPeak(temperature.samples, sustainMs());
    if (!peak) continue;
    const hot = changeBeyond(temperature.samples, { direction: 'up', threshold: HOT_CELSIUS });
    out.push(
      metricSignal({
        name: 'metrics.gpu.temperature',
        about: temperature,
        value: peak.value,
        unit: 'celsius',
        window: spanOf(hot, index.window),
        onset: hot?.onset,
        explanation: `The GPU ran at ${num(peak.value)} °C at its hottest ${levelName()} median (ending ${clock(peak.at)})${hot ? `, above ${HOT_CELSIUS} °C from ${clock(hot.onset)}` : ''}.`,
      }),
    );
  }
  for (const rx of index.all('gpu.pcie-rx')) out.push(...pcieSignals(rx, index));
  for (const events of index.all('gpu.clock-events')) {
    out.push(
      reasonSignal(events, index, 'metrics.gpu.thermal-slowdown', THERMAL_BITS, 'thermal slowdown'),
      reasonSignal(events, index, 'metrics.gpu.power-capped', POWER_BITS, 'power cap or power brake'),
    );
  }
  return out;
}

function memorySignals(used: RoleSeries, free: RoleSeries, index: SeriesIndex): Signal[] {
  const ratio = pair(used, free, (u, f) => (u + f > 0 ? u / (u + f) : Number.NaN));
  // Two minutes, as for container memory: an allocation fails on the instant, not on an average.
  const peak = sustainedPeak(ratio, 2 * MINUTE_MS);
  if (!peak) return [];
  const total = used.samples.values[0] !== undefined ? totalOf(used, free) : 0;
  const near = changeBeyond(ratio, { direction: 'up', threshold: NEAR_FULL });
  const shift = shiftOf(ratio, index.baselineEnd(), { direction: 'up', minEffect: MEMORY_MIN_RISE });
  const rise = shift ? Math.max(0, shift.effect) : 0;
  return [
    metricSignal({
      name: 'metrics.gpu.memory-ratio',
      about: used,
      value: peak.value,
      unit: 'ratio',
      window: spanOf(near, index.window),
      onset: near?.onset,
      explanation: `The GPU framebuffer was ${pct(peak.value)} full of its ${bytes(total)} at its highest 2-minute median (ending ${clock(peak.at)})${near ? `, above ${pct(NEAR_FULL)} from ${clock(near.onset)}` : ''}.`,
    }),
    metricSignal({
      name: 'metrics.gpu.memory-ratio.rise',
      about: used,
      value: rise,
      unit: 'ratio',
      window: spanOf(shift?.change, index.window),
      onset: shift?.change?.onset,
      explanation: shift
        ? `Framebuffer use rose from ${pct(shift.baseline)} (baseline median) to ${pct(shift.extreme.value)}, ${num(rise * 100)} points${shift.change ? `, from ${clock(shift.change.onset)}` : ''}.`
        : 'Too few samples before the rest of the window for a baseline of framebuffer use.',
    }),
  ];
}

function totalOf(used: RoleSeries, free: RoleSeries): number {
  const sums = pair(used, free, (u, f) => u + f).values.sort((a, b) => a - b);
  return sums[Math.floor(sums.length / 2)] ?? 0;
}

/**
 * How far the SM clock fell while the GPU stayed busy: the clock of busy samples only, its
 * baseline from the busy samples of the window's healthy start, and its lowest 5-minute median
 * after, as a share of the baseline. Samples where the load fell are left out, so a GPU that
 * clocks down because it has nothing to do shows no drop.
 */
function clockDropSignal(sm: RoleSeries, util: RoleSeries, index: SeriesIndex): Signal | undefined {
  const busy: Samples = pair(sm, util, (c, u) => (u >= BUSY ? c : Number.NaN));
  const baseline = baselineOf(busy, index.baselineEnd());
  if (baseline === undefined || baseline <= 0) return undefined;
  const shift = shiftOf(busy, index.baselineEnd(), {
    direction: 'down',
    minEffect: CLOCK_MIN_DROP * baseline,
  });
  const drop = shift ? Math.max(0, -shift.effect) / baseline : 0;
  return metricSignal({
    name: 'metrics.gpu.clock-drop',
    about: sm,
    value: drop,
    unit: 'ratio',
    window: spanOf(shift?.change, index.window),
    onset: shift?.change?.onset,
    explanation: `While the GPU was busy (utilization ≥ ${pct(BUSY)}), its SM clock fell ${pct(drop)} below its baseline of ${num(baseline)} MHz${shift ? ` (lowest ${levelName()} median ${num(shift.extreme.value)} MHz, ending ${clock(shift.extreme.at)})` : ''}${shift?.change ? `, from ${clock(shift.change.onset)}` : ''}.`,
  });
}

/**
 * Usable bandwidth of one PCIe lane in one direction, bytes per second, by generation: the raw
 * transfer rate after line encoding (8b/10b up to Gen2, 128b/130b from Gen3), as the PCI-SIG
 * specifications give it. Packet headers take a further 10–20%, so a link carries at most about
 * 80–90% of this.
 */
const LANE_BYTES_PER_S: Record<number, number> = {
  1: 250e6,
  2: 500e6,
  3: 984.6e6,
  4: 1969e6,
  5: 3938e6,
  6: 7563e6,
};
/** 70% of the encoded link rate: within reach of the 80–90% a link really carries, so the bus is the ceiling. */
const LINK_BUSY = 0.7;
/** The busiest tenth of the window's PCIe samples: where the bus was the most in demand. */
const PEAK_QUANTILE = 0.9;

/**
 * How close the busier direction of a GPU's PCIe link came to what the link, as trained (its
 * generation and width at that moment), can carry; and how busy the SMs were while the bus was at
 * its busiest. A starved GPU moves data at the bus's ceiling while its SMs wait.
 */
function pcieSignals(rx: RoleSeries, index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  const tx = index.companion(rx, 'gpu.pcie-tx');
  const busier = tx ? pair(rx, tx, (a, b) => Math.max(a, b)) : rx.samples;
  const gen = index.companion(rx, 'gpu.pcie-link-gen');
  const width = index.companion(rx, 'gpu.pcie-link-width');
  if (gen && width) {
    const capacity = pair(gen, width, (g, w) => (LANE_BYTES_PER_S[Math.round(g)] ?? Number.NaN) * w);
    const share = pair(busier, capacity, (b, c) => (c > 0 ? b / c : Number.NaN));
    const peak = sustainedPeak(share, sustainMs());
    if (peak) {
      const busy = changeBeyond(share, { direction: 'up', threshold: LINK_BUSY });
      const link = `Gen${num(gen.samples.values.at(-1) ?? 0)} x${num(width.samples.values.at(-1) ?? 0)}`;
      out.push(
        metricSignal({
          name: 'metrics.gpu.pcie-link-share',
          about: rx,
          value: peak.value,
          unit: 'ratio',
          window: spanOf(busy, index.window),
          onset: busy?.onset,
          explanation: `The busier direction of the GPU's PCIe link carried ${pct(peak.value)} of what its ${link} link can (highest ${levelName()} median, ending ${clock(peak.at)})${busy ? `, above ${pct(LINK_BUSY)} from ${clock(busy.onset)}` : ''}.`,
        }),
      );
    }
  }
  const sm = index.companion(rx, 'gpu.sm-active') ?? index.companion(rx, 'gpu.utilization');
  if (sm && busier.values.length > 0) {
    const sorted = [...busier.values].sort((a, b) => a - b);
    const cut = sorted[Math.floor(PEAK_QUANTILE * (sorted.length - 1))] as number;
    const atPeak = pair({ times: busier.times, values: busier.values }, sm, (b, a) =>
      b >= cut ? a : Number.NaN,
    );
    const activity = median(atPeak.values);
    if (Number.isFinite(activity)) {
      out.push(
        metricSignal({
          name: 'metrics.gpu.sm-active.at-pcie-peak',
          about: rx,
          value: activity,
          unit: 'ratio',
          window: index.window,
          explanation: `While PCIe traffic was in its busiest tenth (≥ ${bytes(cut)}/s), the GPU's SMs were active ${pct(activity)} of the time (median, ${sm.metrics.join(', ')}).`,
        }),
      );
    }
  }
  return out;
}

function hasBit(mask: number, bits: readonly number[]): boolean {
  return bits.some((bit) => Math.floor(Math.round(mask) / bit) % 2 === 1);
}

function reasonSignal(
  events: RoleSeries,
  index: SeriesIndex,
  name: string,
  bits: readonly number[],
  what: string,
): Signal {
  const interval = usualInterval(events.samples);
  const on = stretches(events.samples, (v) => hasBit(v, bits));
  const ms = on.reduce((sum, s) => sum + stretchMs(s, interval), 0);
  const first = on[0];
  const last = on[on.length - 1];
  const startedInside = first !== undefined && first.start > (events.samples.times[0] as number);
  return metricSignal({
    name,
    about: events,
    value: ms / MINUTE_MS,
    unit: 'min',
    window: first && last ? { start: first.start, end: last.end } : index.window,
    onset: startedInside ? first.start : undefined,
    explanation: first
      ? `NVML reported ${what} among the GPU's clocks event reasons for ${minutes(ms)}${startedInside ? `, from ${clock(first.start)}` : ''} (${events.metrics.join(', ')}).`
      : `NVML never reported ${what} among the GPU's clocks event reasons (${events.metrics.join(', ')}).`,
  });
}
