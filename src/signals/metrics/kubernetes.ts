import type { Signal } from '../signal.js';
import { clock, metricSignal, minutes, num, pct, pValue } from './emit.js';
import { shiftOf, TREND_ALPHA, trendBucket, trendOf } from './measures.js';
import { bendOnset, changeBeyond } from './onset.js';
import { pair, ratioTo, spanOf } from './pairing.js';
import {
  MINUTE_MS,
  type Samples,
  stretches,
  stretchMs,
  sustainedPeak,
  sustainedTrough,
  usualInterval,
} from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';
import { levelName, sustainMs } from './timescale.js';

// Kubernetes nodes under pressure and the pods the kubelet evicts to relieve them; autoscalers that
// cannot act; containerd shims that outlive their pods. The node conditions and pod reasons come
// from kube-state-metrics, which reports what the API server holds: a condition or a reason is a
// fact, not a noisy reading, so one scrape of it counts. A node is
// named by kube-state-metrics' node label, and by the instance label of its node exporter (the
// usual Kubernetes scrape configuration sets it to the node name), so both speak of `node=<name>`.

/** A value of a 0/1 state series at or above this is 1 (the sum of two replicas' series is 2). */
const STATE_ON = 0.5;
/**
 * Memory available below 10% of the node: the kubelet's default hard threshold is 100Mi, and
 * clusters commonly raise memory.available to 5–10% of the node, so under 10% the eviction
 * manager is at or near its line.
 */
const LOW_MEMORY_AVAILABLE = 0.1;
/**
 * The mount points that hold the kubelet's node filesystem (pods' logs, writable layers and
 * emptyDir volumes) or its image filesystem: what DiskPressure measures.
 */
const KUBELET_MOUNTS = new Set([
  '/',
  '/var',
  '/var/lib',
  '/var/lib/kubelet',
  '/var/lib/containerd',
  '/var/lib/docker',
  '/var/log',
]);
/**
 * A drop of 5 points of free share is one the kubelet's nodefs threshold (10% free) and image
 * garbage collection (85% used) notice; smaller moves are ordinary log churn.
 */
const FS_MIN_DROP = 0.05;

const PRESSURES = [
  { role: 'node.memory-pressure', name: 'metrics.node.memory-pressure', condition: 'MemoryPressure' },
  { role: 'node.disk-pressure', name: 'metrics.node.disk-pressure', condition: 'DiskPressure' },
  { role: 'node.pid-pressure', name: 'metrics.node.pid-pressure', condition: 'PIDPressure' },
] as const;

export function kubernetesSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  for (const pressure of PRESSURES) {
    for (const series of index.all(pressure.role)) out.push(pressureSignal(series, pressure, index));
  }
  const evicted = index.all('pod.evicted');
  if (evicted.length > 0) out.push(evictionSignal(evicted, index));
  for (const series of index.all('node.memory-available')) {
    const signal = memoryAvailableSignal(series, index);
    if (signal) out.push(signal);
  }
  out.push(...kubeletFilesystemSignals(index));
  out.push(...hpaSignals(index));
  out.push(...shimSignals(index));
  return out;
}

/** The node a series is about: kube-state-metrics' node label, else its scrape address without the port. */
export function nodeOf(labels: Record<string, string>): string | undefined {
  if (labels.node) return labels.node;
  const instance = labels.instance;
  if (!instance) return undefined;
  return instance.replace(/:\d+$/, '');
}

/** The series re-addressed to its node, so signals of one node from two exporters share a subject. */
function onNode(series: RoleSeries, node: string | undefined): RoleSeries {
  return node ? { ...series, subject: `node=${node}` } : series;
}

interface StateTime {
  ms: number;
  first?: { start: number; end: number };
  last?: { start: number; end: number };
  /** Whether the state began after the first sample (else it began before the window, onset unknown). */
  startedInside: boolean;
}

/** Time a series spent in a state, counted scrape by scrape: each sample in it stands for one interval. */
function timeIn(samples: Samples, holds: (v: number) => boolean): StateTime {
  const interval = usualInterval(samples);
  const on = stretches(samples, holds);
  const first = on[0];
  return {
    ms: on.reduce((sum, s) => sum + stretchMs(s, interval), 0),
    ...(first ? { first, last: on[on.length - 1] } : {}),
    startedInside: first !== undefined && first.start > (samples.times[0] as number),
  };
}

/** A state's minutes as a signal: window from its first to its last stretch, onset when it began inside the window. */
function stateSignal(
  name: string,
  about: RoleSeries,
  state: StateTime,
  index: SeriesIndex,
  explanation: string,
): Signal {
  return metricSignal({
    name,
    about,
    value: state.ms / MINUTE_MS,
    unit: 'min',
    window: state.first && state.last ? { start: state.first.start, end: state.last.end } : index.window,
    onset: state.startedInside ? state.first?.start : undefined,
    explanation,
  });
}

function pressureSignal(
  series: RoleSeries,
  pressure: (typeof PRESSURES)[number],
  index: SeriesIndex,
): Signal {
  const state = timeIn(series.samples, (v) => v >= STATE_ON);
  return stateSignal(
    pressure.name,
    onNode(series, nodeOf(series.labels)),
    state,
    index,
    state.first
      ? `The node reported ${pressure.condition}=True for ${minutes(state.ms)}${state.startedInside ? `, from ${clock(state.first.start)}` : ', already at the start of the window'} (${series.metrics.join(', ')}).`
      : `The node never reported ${pressure.condition}=True in the window (${series.metrics.join(', ')}).`,
  );
}

/** The HorizontalPodAutoscaler a series is about, as `hpa=<namespace>/<name>`. */
function onHpa(series: RoleSeries): RoleSeries {
  const name = series.labels.horizontalpodautoscaler;
  return name ? { ...series, subject: `hpa=${series.labels.namespace ?? ''}/${name}` } : series;
}

/**
 * Autoscalers that could not act: minutes ScalingActive was False (no metrics to compute a scale
 * from, so the replica count froze), and minutes they ran at their maximum (they acted, and hit
 * their limit).
 */
function hpaSignals(index: SeriesIndex): Signal[] {
  const out: Signal[] = [];
  for (const series of index.all('hpa.scaling-inactive')) {
    const state = timeIn(series.samples, (v) => v >= STATE_ON);
    out.push(
      stateSignal(
        'metrics.hpa.scaling-inactive',
        onHpa(series),
        state,
        index,
        state.first
          ? `The autoscaler reported ScalingActive=False for ${minutes(state.ms)}${state.startedInside ? `, from ${clock(state.first.start)}` : ''}: it could not compute a replica count from its metrics, so the replicas stayed where they were.`
          : 'The autoscaler kept ScalingActive=True: it had metrics to compute a replica count from.',
      ),
    );
  }
  for (const current of index.all('hpa.current-replicas')) {
    const max = index.companion(current, 'hpa.max-replicas');
    if (!max) continue;
    const atMax = pair(current, max, (c, m) => (m > 0 ? c / m : Number.NaN));
    const state = timeIn(atMax, (v) => v >= 1);
    const limit = max.samples.values[max.samples.values.length - 1] ?? 0;
    out.push(
      stateSignal(
        'metrics.hpa.at-max',
        onHpa(current),
        state,
        index,
        state.first
          ? `The autoscaler ran at its maximum of ${num(limit)} replicas for ${minutes(state.ms)}${state.startedInside ? `, from ${clock(state.first.start)}` : ''}.`
          : `The autoscaler stayed below its maximum of ${num(limit)} replicas.`,
      ),
    );
  }
  return out;
}

/**
 * Pods the kubelet evicted inside the window: those whose status reason turned to Evicted after
 * a sample that was not. Evicted pod objects stay until someone deletes them, so pods already
 * Evicted at their first sample are old evictions and do not count.
 */
function evictionSignal(all: readonly RoleSeries[], index: SeriesIndex): Signal {
  const events: Array<{ at: number; series: RoleSeries }> = [];
  for (const series of all) {
    const { times, values } = series.samples;
    for (let i = 1; i < values.length; i++) {
      if ((values[i] as number) >= STATE_ON && (values[i - 1] as number) < STATE_ON) {
        events.push({ at: times[i] as number, series });
        break;
      }
    }
  }
  events.sort((a, b) => a.at - b.at);
  const first = events[0];
  const last = events[events.length - 1];
  const named = events
    .slice(0, 3)
    .map((e) => `${e.series.subject} at ${clock(e.at)}`)
    .join(', ');
  return metricSignal({
    name: 'metrics.pods.evicted',
    sources: [(first ?? { series: all[0] as RoleSeries }).series.source],
    value: events.length,
    unit: 'pods',
    window: first && last ? { start: first.at, end: last.at } : index.window,
    onset: first?.at,
    explanation:
      events.length > 0
        ? `${events.length} pods were evicted in the window (${named}${events.length > 3 ? ', …' : ''}; kube_pod_status_reason{reason="Evicted"}).`
        : `No pod was evicted in the window (of ${all.length} pods; old Evicted pods left over from before do not count).`,
  });
}

function memoryAvailableSignal(series: RoleSeries, index: SeriesIndex): Signal | undefined {
  // Two minutes: the eviction manager acts on its threshold within its 10-second housekeeping loop.
  const trough = sustainedTrough(series.samples, 2 * MINUTE_MS);
  if (!trough) return undefined;
  const low = changeBeyond(series.samples, { direction: 'down', threshold: LOW_MEMORY_AVAILABLE });
  return metricSignal({
    name: 'metrics.node.memory-available',
    about: onNode(series, nodeOf(series.labels)),
    value: trough.value,
    unit: 'ratio',
    window: low ? { start: low.onset, end: low.end } : index.window,
    onset: low?.onset,
    explanation: `The node had ${pct(trough.value)} of its memory available at its lowest 2-minute median (ending ${clock(trough.at)})${low ? `, under ${pct(LOW_MEMORY_AVAILABLE)} from ${clock(low.onset)}` : ''}.`,
  });
}

/**
 * Free share of the filesystems that hold the kubelet's ephemeral storage, per node: the lowest
 * 5-minute median of any of them, with the onset of its fall below the node's own baseline.
 */
function kubeletFilesystemSignals(index: SeriesIndex): Signal[] {
  const byNode = new Map<string, Array<{ free: RoleSeries; ratio: Samples }>>();
  for (const free of index.all('disk.free')) {
    const mount = free.labels.mountpoint;
    if (mount === undefined || !KUBELET_MOUNTS.has(mount)) continue;
    const size = index.companion(free, 'disk.size');
    const node = nodeOf(free.labels);
    if (!size || !node) continue;
    const list = byNode.get(node) ?? [];
    list.push({ free, ratio: ratioTo(free, size) });
    byNode.set(node, list);
  }
  const out: Signal[] = [];
  for (const [node, list] of [...byNode].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const measured = list.flatMap((item) => {
      const trough = sustainedTrough(item.ratio, sustainMs());
      return trough ? [{ ...item, trough }] : [];
    });
    const worst = measured.sort((a, b) => a.trough.value - b.trough.value)[0];
    if (!worst) continue;
    const shift = shiftOf(worst.ratio, index.baselineEnd(), { direction: 'down', minEffect: FS_MIN_DROP });
    out.push(
      metricSignal({
        name: 'metrics.node.kubelet-fs-free',
        about: onNode(worst.free, node),
        value: worst.trough.value,
        unit: 'ratio',
        window: spanOf(shift?.change, index.window),
        onset: shift?.change?.onset,
        explanation: `The node's ${worst.free.labels.mountpoint} filesystem, which holds pod logs, writable layers and emptyDir volumes, had ${pct(worst.trough.value)} free at its lowest ${levelName()} median (ending ${clock(worst.trough.at)})${shift?.change ? `, falling from ${pct(shift.baseline)} from ${clock(shift.change.onset)}` : ''}.`,
      }),
    );
  }
  return out;
}

/**
 * A healthy node runs about one shim per pod sandbox (a few more while containers start); 30%
 * more shims than pods for 5 minutes is not a transient of pod churn.
 */
const SHIMS_PER_POD_SPAN_MS = 5 * MINUTE_MS;

/**
 * containerd shims that outlive their pods: shims per running pod on a node, and the significant
 * growth of shims beyond the pods (Theil–Sen slope of their difference, 0 unless Mann–Kendall
 * p < 0.01), so shims that come and go with pods never count as a leak.
 */
function shimSignals(index: SeriesIndex): Signal[] {
  const pods = new Map<string, RoleSeries>();
  for (const series of index.all('node.running-pods')) {
    const node = nodeOf(series.labels);
    if (node) pods.set(node, series);
  }
  const out: Signal[] = [];
  for (const shims of index.all('node.shim-processes')) {
    const node = nodeOf(shims.labels);
    const running = node ? pods.get(node) : undefined;
    if (!node || !running) continue;
    const about = onNode(shims, node);
    const ratio = pair(shims, running, (s, p) => (p > 0 ? s / p : Number.NaN));
    const peak = sustainedPeak(ratio, SHIMS_PER_POD_SPAN_MS);
    if (peak) {
      out.push(
        metricSignal({
          name: 'metrics.node.shims-per-pod',
          about,
          value: peak.value,
          unit: 'ratio',
          window: index.window,
          explanation: `The node ran ${num(peak.value)} containerd shims per running pod at the highest ${levelName()} median (ending ${clock(peak.at)}; ${shims.metrics.join(', ')} over ${running.metrics.join(', ')}).`,
        }),
      );
    }
    const excess = pair(shims, running, (s, p) => s - p);
    const trend = trendOf([excess], trendBucket(index.window, index.intervalMs));
    const growth = trend && trend.p < TREND_ALPHA && trend.slopePerHour > 0 ? trend.slopePerHour : 0;
    const bend = growth > 0 ? bendOnset(excess, 'up') : undefined;
    out.push(
      metricSignal({
        name: 'metrics.node.shim-excess-growth',
        about,
        value: growth,
        unit: 'per-hour',
        window: index.window,
        onset: bend,
        explanation:
          growth > 0
            ? `Shims beyond the running pods grew by ${num(growth)} an hour (Theil–Sen, Mann–Kendall p ${pValue(trend?.p ?? 1)})${bend !== undefined ? `, from ${clock(bend)}` : ''}: shims outlive their pods.`
            : `Shims beyond the running pods did not grow significantly${trend ? ` (Mann–Kendall p ${pValue(trend.p)})` : ''}: shims come and go with pods.`,
      }),
    );
  }
  return out;
}
