import type { SourcePointer } from '../../core/source-pointer.js';
import type { TracesData } from '../../gather/traces/data.js';
import type { Signal } from '../signal.js';
import { callSignals } from './calls.js';
import { coldStartSignals } from './coldstart.js';
import { contextSignals } from './context.js';
import { cycleSignals } from './cycles.js';
import { dnsSignals } from './dns.js';
import { type Add, iso, MIN_TRACES } from './emit.js';
import { errorSignals } from './errors.js';
import { latencySignals } from './latency.js';
import { lockSignals } from './locks.js';
import { messageSignals } from './messages.js';
import { buildTraces, type TraceView, traceSource } from './model.js';
import { modeSignals } from './modes.js';
import { poolSignals } from './pools.js';
import { scalingSignals } from './scaling.js';
import { storageSignals } from './storage.js';
import { streamSignals } from './streams.js';
import { timeSignals } from './time.js';
import { timeoutSignals } from './timeouts.js';

// Trace signals: per service, per operation, per downstream and for the whole window, each with
// an example trace as its source and, for behaviour that began part-way through, its onset.
//
// Distributed deadlocks are read from one trace at a time: a call back into a service already
// serving the same request that is not served in time (cycles.ts). Waits between different
// requests are not: spans say that a call waited, not for which other request.

export interface TracesSource {
  source: SourcePointer;
  data: TracesData;
}

export function traceSignals(sources: readonly TracesSource[]): Signal[] {
  const traces = buildTraces(sources);
  if (traces.length === 0) return [];
  const first = traces[0] as TraceView;
  const last = traces[traces.length - 1] as TraceView;
  const window = { start: iso(first.start), end: iso(last.start) };
  const signals: Signal[] = [];
  const add: Add = (signal) => signals.push({ window, ...signal });
  add({
    name: 'traces.requests',
    value: traces.length,
    unit: 'traces',
    explanation: `${traces.length} traces between ${window.start} and ${window.end}`,
    sources: [traceSource(first)],
  });
  if (traces.length < MIN_TRACES) return signals;
  callSignals(traces, add);
  errorSignals(traces, add);
  timeoutSignals(traces, add);
  contextSignals(traces, add);
  latencySignals(traces, add);
  timeSignals(traces, add);
  poolSignals(traces, add);
  streamSignals(traces, add);
  modeSignals(traces, add);
  dnsSignals(traces, add);
  cycleSignals(traces, add);
  lockSignals(traces, add);
  storageSignals(traces, add);
  messageSignals(traces, add);
  coldStartSignals(traces, add);
  scalingSignals(traces, add);
  return signals;
}
