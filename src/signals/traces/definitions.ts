import type { SignalDefinition } from '../registry.js';

// The signals computed from trace evidence, as the registry lists them.

const traces = (name: string, description: string, unit: string): SignalDefinition => ({
  name,
  from: 'traces',
  unit,
  description,
});

export const TRACES_SIGNALS: readonly SignalDefinition[] = [
  traces('traces.requests', 'Traces in the evidence', 'traces'),
  traces(
    'traces.repeated-calls',
    'Per parent operation: median count of identical successful child calls per request',
    'calls',
  ),
  traces(
    'traces.repeated-calls.share',
    'Per parent operation: share of requests repeating one call 10 times or more (N+1)',
    'ratio',
  ),
  traces('traces.retries.per-request', 'Client calls repeated after a failure, per request', 'retries'),
  traces('traces.retries', 'Per downstream: retries of calls to it, per request', 'retries'),
  traces('traces.errors.rate', 'Share of requests whose root span failed', 'ratio'),
  traces(
    'traces.errors.origin-share',
    'Per service or downstream: share of failed requests whose errors began there',
    'ratio',
  ),
  traces(
    'traces.errors.unanswered-share',
    'Per downstream: share of failed calls to it that no server span answered',
    'ratio',
  ),
  traces(
    'traces.timeouts.fixed-share',
    'Per downstream: share of calls that failed at one fixed duration (a timeout); 0 when failures vary in duration',
    'ratio',
  ),
  traces('traces.timeouts.duration', 'Per downstream: median duration of failed calls', 'ms'),
  traces('traces.orphan-share', 'Share of spans whose parent is not in their trace', 'ratio'),
  traces(
    'traces.broken-roots-share',
    'Share of traces starting at a service that other traces show being called: lost trace context',
    'ratio',
  ),
  traces(
    'traces.latency.shift',
    'Per root operation: highest sustained median duration after the first quarter of the window, divided by the median before',
    'ratio',
  ),
  traces(
    'traces.db.latency.shift',
    'Per database downstream: highest sustained median query time after the first quarter, divided by the median before',
    'ratio',
  ),
  traces('traces.critical-path.share', "Per service: share of the requests' critical path it holds", 'ratio'),
  traces(
    'traces.critical-path.shift',
    'Per service: its critical-path share after the first quarter of the window minus before',
    'ratio',
  ),
  traces(
    'traces.sampling-gap.share',
    'Per downstream: share of successful calls whose server span is missing, for services that record some of them; 0 when it records none (not instrumented)',
    'ratio',
  ),
  traces('traces.fanout.max', 'Largest number of direct children of one span', 'children'),
];
