import { type EvidenceKind, FAILURE_KIND_NAMES } from '../core/vocabulary.js';
import { KUBERNETES_SIGNALS } from './kubernetes/definitions.js';
import { LOGS_SIGNALS } from './logs/definitions.js';
import { METRICS_SIGNALS } from './metrics/definitions.js';
import { TOOL_OUTPUT_SIGNALS } from './tool-output/definitions.js';
import { TRACES_SIGNALS } from './traces/definitions.js';

// Every signal name a signature may read, with what it measures and the evidence kind it is
// computed from. Scenario signatures are checked against this list when the catalog loads, so a
// misspelt signal is a load error with a suggestion, not a signature that silently never fires.

export interface SignalDefinition {
  name: string;
  from: EvidenceKind;
  unit?: string;
  description: string;
}

const loadTest = (name: string, description: string, unit?: string): SignalDefinition => ({
  name,
  from: 'load-test',
  description,
  ...(unit ? { unit } : {}),
});

export const SIGNALS: readonly SignalDefinition[] = [
  loadTest('load.summary-only', 'The input had totals only, no time series'),
  loadTest('load.duration', 'Length of the run', 's'),
  loadTest('load.requests', 'Requests in the run', 'requests'),
  loadTest('load.phase.steady', 'Length of the steady-state phase (users at their plateau)', 's'),
  loadTest('concurrency.max', 'Highest number of active users', 'users'),
  loadTest(
    'throughput.knee',
    'Users at which throughput stopped rising while latency climbed; 0 when none',
    'users',
  ),
  loadTest(
    'throughput.collapse',
    'Throughput after the drop divided by before, users not falling; 1 when none',
    'ratio',
  ),
  loadTest(
    'throughput.per-user.shift',
    'Requests per user per second after the change divided by before',
    'ratio',
  ),
  loadTest('endpoints.slow-share', 'Share of endpoints whose median latency rose 1.5× or more', 'ratio'),
  loadTest(
    'latency.concurrency.correlation',
    'Spearman correlation of users and median latency per bucket',
    'rho',
  ),
  loadTest('latency.p50', 'Steady-state median response time', 'ms'),
  loadTest('latency.p95', 'Steady-state 95th percentile response time', 'ms'),
  loadTest('latency.p99', 'Steady-state 99th percentile response time', 'ms'),
  loadTest(
    'latency.p50.shift',
    'Median latency after the change point divided by before; 1 when none',
    'ratio',
  ),
  loadTest(
    'latency.p99.shift',
    '99th percentile after the change point divided by before; 1 when none',
    'ratio',
  ),
  loadTest(
    'latency.p50.reversals',
    'Times the per-bucket median changed direction between significant levels',
    'count',
  ),
  loadTest('errors.timeout.connect-share', 'Share of timeouts that happened while connecting', 'ratio'),
  loadTest(
    'latency.tail.shift',
    'Share of requests slower than 4× the steady median after the change divided by before',
    'ratio',
  ),
  loadTest('latency.tail-ratio', 'p99 divided by p50 in the steady state', 'ratio'),
  loadTest(
    'latency.trend',
    'Relative rise of the median over the steady window (significant trends only); 0 when none',
    'ratio',
  ),
  loadTest('latency.bimodal', 'Ratio of the two latency modes; 0 when the distribution is unimodal', 'ratio'),
  loadTest(
    'latency.slow-mode.growth',
    'With two latency modes: the largest significant rise of the share of requests in the slow mode over its share in the first segment of the run; 0 when it held steady or there is one mode',
    'ratio',
  ),
  loadTest('latency.variability', 'Robust coefficient of variation of the per-bucket median', 'ratio'),
  loadTest('latency.stalls', 'Period of recurring latency spikes; 0 when none', 's'),
  loadTest(
    'latency.ramp.excess',
    'p95 while users last climbed divided by p95 at the end of the steady state',
    'ratio',
  ),
  loadTest(
    'errors.ramp.excess',
    'Error rate while users last climbed minus that at the end of the steady state',
    'ratio',
  ),
  loadTest('latency.cold-start', 'Median of the first requests divided by the steady median', 'ratio'),
  loadTest('latency.payload.correlation', 'Pearson correlation of log response size with log latency', 'r'),
  loadTest('payload.mean-bytes', 'Mean response size', 'bytes'),
  loadTest('errors.rate', 'Failed requests divided by all requests', 'ratio'),
  loadTest('errors.rate.shift', 'Rise of the per-bucket error rate after the error change point', 'ratio'),
  ...FAILURE_KIND_NAMES.map((kind) =>
    loadTest(`errors.${kind}.rate`, `Share of requests that failed as ${kind}`, 'ratio'),
  ),
  loadTest(
    'errors.duration.spread',
    'Interquartile range of failed requests durations divided by their median; near 0 at a fixed timeout',
    'ratio',
  ),
  loadTest('errors.burst', 'Highest per-bucket error rate divided by the run error rate', 'ratio'),
  loadTest(
    'errors.fast-fail',
    'Median latency of failed requests divided by that of successful ones',
    'ratio',
  ),
  ...METRICS_SIGNALS,
  ...LOGS_SIGNALS,
  ...TRACES_SIGNALS,
  ...KUBERNETES_SIGNALS,
  ...TOOL_OUTPUT_SIGNALS,
];

const BY_NAME = new Map(SIGNALS.map((signal) => [signal.name, signal]));

export function signalDefinition(name: string): SignalDefinition | undefined {
  return BY_NAME.get(name);
}

export function signalNames(): string[] {
  return SIGNALS.map((signal) => signal.name);
}
