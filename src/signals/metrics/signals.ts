import { METRIC_ROLES } from '../../gather/metrics/data.js';
import type { Signal } from '../signal.js';
import { backendHealthSignals } from './backend-health.js';
import { batchWindowSignals } from './batch-windows.js';
import { cacheSignals } from './cache.js';
import { cacheMissSignals } from './cache-misses.js';
import { capacitySignals } from './capacity.js';
import { cpuSignals } from './cpu.js';
import { databaseSignals } from './database.js';
import { ebpfSignals } from './ebpf.js';
import { edgeSignals } from './edge.js';
import { errorBudgetSignals } from './error-budget.js';
import { gpuSignals } from './gpu.js';
import { httpSignals } from './http.js';
import { kubernetesSignals } from './kubernetes.js';
import { latencyInstabilitySignals } from './latency-instability.js';
import { llmSignals } from './llm.js';
import { loadBalancerSignals } from './load-balancer.js';
import { memorySignals } from './memory.js';
import { meshSignals } from './mesh.js';
import { networkSignals } from './network.js';
import { networkVolumeSignals } from './network-volume.js';
import { observabilitySignals } from './observability.js';
import { payloadSignals } from './payload.js';
import { poolSignals } from './pools.js';
import { queueSignals } from './queues.js';
import { runtimeSignals } from './runtime.js';
import { scaleUpSignals } from './scale-up.js';
import { type MetricsSource, SeriesIndex } from './series-index.js';
import { timescaleOf, withTimescale } from './timescale.js';

export type { MetricsSource } from './series-index.js';

const AREAS = [
  memorySignals,
  cpuSignals,
  runtimeSignals,
  poolSignals,
  databaseSignals,
  capacitySignals,
  networkSignals,
  cacheSignals,
  queueSignals,
  httpSignals,
  observabilitySignals,
  cacheMissSignals,
  networkVolumeSignals,
  batchWindowSignals,
  errorBudgetSignals,
  payloadSignals,
  loadBalancerSignals,
  kubernetesSignals,
  gpuSignals,
  llmSignals,
  ebpfSignals,
  edgeSignals,
  meshSignals,
  backendHealthSignals,
  scaleUpSignals,
  latencyInstabilitySignals,
] as const;

/**
 * Every metrics signal of a run, computed once from the loaded metrics sources. The sources are
 * indexed together, so a pod's memory in one file pairs with its limit in another.
 */
export function metricSignals(sources: readonly MetricsSource[]): Signal[] {
  const index = new SeriesIndex(sources, METRIC_ROLES);
  if (index.window.end <= index.window.start) return [];
  const scale = timescaleOf(index.window.end - index.window.start, index.intervalMs);
  return withTimescale(scale, () => AREAS.flatMap((area) => area(index)));
}
