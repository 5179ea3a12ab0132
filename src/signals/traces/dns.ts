import { median } from '../../anomaly/order-statistics.js';
import type { Span } from '../../gather/traces/data.js';
import {
  type Add,
  baselineEnd,
  iso,
  MIN_TRACES,
  ms,
  percent,
  RUN,
  sustainedLevel,
  type Timed,
} from './emit.js';
import { type TraceView, traceSource } from './model.js';

// Name resolution: the DNS lookups instrumentations record before a connection is made (Node's
// dns.lookup spans, Go's http.dns under http.getconn, "DNS Lookup" spans of APM agents), per
// service that makes them. A lookup answered from a cache takes about a millisecond; a starved or
// dropping resolver makes every new connection wait, often in steps of the resolver's 5 s timeout.

/** Span names of a DNS lookup as the OpenTelemetry Node and Go instrumentations and APM agents write them. */
const DNS_LOOKUP = /^(?:dns\.(?:lookup|resolve[a-z0-9]{0,8})|http\.dns|dns lookup)$/i;

export function isDnsLookup(span: Span): boolean {
  return DNS_LOOKUP.test(span.name);
}

/**
 * Lookups are compared with at least 1 ms: a cached answer takes a fraction of one, and a baseline
 * of 0.3 ms would make an ordinary 2 ms uncached answer a "7× shift".
 */
const LOOKUP_FLOOR_MS = 1;
/**
 * A lookup this long waited out a resolver timeout: glibc's resolver and Go's both wait 5 s for an
 * answer before retrying; 5% below leaves room for timer and clock granularity.
 */
const RESOLVER_TIMEOUT_MS = 5000 * 0.95;

type Lookup = Timed<{ trace: TraceView; span: Span }>;
type Request = Timed<{ trace: TraceView; span: Span }> & { total: number };

export function dnsSignals(traces: readonly TraceView[], add: Add): void {
  const cut = baselineEnd(traces);
  const byService = new Map<string, { lookups: Lookup[]; requests: Request[] }>();
  for (const trace of traces) {
    const perService = new Map<string, { time: number; longest: Span }>();
    for (const span of trace.spans) {
      if (!isDnsLookup(span)) continue;
      const entry = byService.get(span.service) ?? { lookups: [], requests: [] };
      entry.lookups.push({ t: span.start, v: span.duration, item: { trace, span } });
      byService.set(span.service, entry);
      const mine = perService.get(span.service);
      perService.set(span.service, {
        time: (mine?.time ?? 0) + span.duration,
        longest: mine && mine.longest.duration >= span.duration ? mine.longest : span,
      });
    }
    const root = trace.roots[0];
    if (!root) continue;
    for (const [service, { time, longest }] of perService) {
      byService.get(service)?.requests.push({
        t: trace.start,
        v: time,
        total: Math.max(root.duration, time),
        item: { trace, span: longest },
      });
    }
  }
  for (const [service, { lookups, requests }] of [...byService].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    lookups.sort((a, b) => a.t - b.t);
    requests.sort((a, b) => a.t - b.t);
    const before = lookups.filter((l) => l.t < cut);
    const after = lookups.filter((l) => l.t >= cut);
    if (before.length < MIN_TRACES / 2 || after.length < RUN) continue;
    const baseline = median(before.map((l) => l.v));
    const floor = Math.max(LOOKUP_FLOOR_MS, baseline);
    const level = sustainedLevel(after, floor);
    if (level) {
      add({
        name: 'traces.dns.latency.shift',
        subject: service,
        value: level.level / floor,
        unit: 'ratio',
        ...(level.raisedAt !== undefined ? { onset: iso(level.raisedAt) } : {}),
        explanation: `${service}'s DNS lookups reached a median of ${ms(level.level)} against ${ms(baseline)} in the first quarter of the window`,
        sources: [traceSource(level.example.item.trace, level.example.item.span)],
      });
    }
    const timedOut = after.filter((l) => l.v >= RESOLVER_TIMEOUT_MS);
    const slowest = after.reduce((a, b) => (b.v > a.v ? b : a));
    add({
      name: 'traces.dns.timeout-share',
      subject: service,
      value: timedOut.length / after.length,
      unit: 'ratio',
      explanation: `${timedOut.length} of ${after.length} DNS lookups of ${service} after the first quarter of the window took 5 s or more: they waited out a resolver timeout before a retry was answered`,
      sources: [traceSource(slowest.item.trace, slowest.item.span)],
    });
    // The worst run of consecutive requests after the baseline: a sustained share, not one lookup.
    const later = requests.filter((r) => r.t >= cut);
    let worst: { share: number; run: Request[] } | undefined;
    for (let i = 0; i + RUN <= later.length; i += RUN / 2) {
      const run = later.slice(i, i + RUN);
      const total = run.reduce((sum, r) => sum + r.total, 0);
      const share = total > 0 ? run.reduce((sum, r) => sum + r.v, 0) / total : 0;
      if (!worst || share > worst.share) worst = { share, run };
    }
    if (!worst) continue;
    const earlier = requests.filter((r) => r.t < cut);
    const earlierTotal = earlier.reduce((sum, r) => sum + r.total, 0);
    const earlierShare = earlierTotal > 0 ? earlier.reduce((sum, r) => sum + r.v, 0) / earlierTotal : 0;
    const example = worst.run.reduce((a, b) => (b.v > a.v ? b : a));
    add({
      name: 'traces.dns.time-share',
      subject: service,
      value: worst.share,
      unit: 'ratio',
      explanation: `requests in which ${service} resolved names spent up to ${percent(worst.share)} of their time in DNS lookups (${RUN} requests in a row), against ${percent(earlierShare)} in the first quarter of the window`,
      sources: [traceSource(example.item.trace, example.item.span)],
    });
  }
}
