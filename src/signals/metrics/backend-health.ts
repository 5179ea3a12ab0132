import type { Signal } from '../signal.js';
import { clock, metricSignal, num, pct } from './emit.js';
import { baselineOf } from './measures.js';
import { pair } from './pairing.js';
import { type Extreme, type Samples, stretches, sustainedTrough } from './samples.js';
import type { RoleSeries, SeriesIndex } from './series-index.js';
import { levelName, sustainMs } from './timescale.js';

// Load balancer target groups whose targets fail their health checks: the share of registered
// targets the balancer considers healthy (healthy / (healthy + unhealthy)), per target group,
// at its lowest 5-minute level. A balancer with no healthy target to send to answers 503 (or, for
// AWS, fails open onto targets it considers unhealthy), so a pool that lost most of its healthy
// targets explains the balancer's own 5xx. The signal is about the load balancer (the subject of
// its request series when there is one), so it can be read together with the balancer's 5xx
// signals; the worst target group of a balancer stands for it.

/**
 * A share counts as unhealthy below this much: a target failing its checks is one of at least
 * two, so "under half healthy" never holds for a single target flapping in a group of three or
 * more; it is the point where the remaining healthy targets carry more than twice their load.
 */
const MINORITY = 0.5;

interface PoolHealth {
  group: RoleSeries;
  share: Samples;
  trough: Extreme;
  baseline: number | undefined;
  registered: number;
}

export function backendHealthSignals(index: SeriesIndex): Signal[] {
  const byBalancer = new Map<string, PoolHealth[]>();
  for (const healthy of index.all('lb.healthy-hosts')) {
    const unhealthy = index.companion(healthy, 'lb.unhealthy-hosts');
    if (!unhealthy) continue;
    // A target group with no registered targets (an idle blue/green group) has no share.
    const share = pair(healthy, unhealthy, (h, u) => (h + u > 0 ? h / (h + u) : Number.NaN));
    const trough = sustainedTrough(share, sustainMs());
    if (!trough) continue;
    const registered = Math.max(
      0,
      ...pair(healthy, unhealthy, (h, u) => h + u).values.filter((v) => Number.isFinite(v)),
    );
    const key = `${healthy.labels.instance ?? ''}\u0000${healthy.labels.dimension_LoadBalancer ?? healthy.subject}`;
    const list = byBalancer.get(key) ?? [];
    list.push({
      group: healthy,
      share,
      trough,
      baseline: baselineOf(share, index.baselineEnd()),
      registered,
    });
    byBalancer.set(key, list);
  }
  const out: Signal[] = [];
  for (const pools of byBalancer.values()) {
    const worst = [...pools].sort((a, b) => a.trough.value - b.trough.value)[0] as PoolHealth;
    const balancer = worst.group.labels.dimension_LoadBalancer;
    const requests = index
      .all('lb.requests')
      .find(
        (r) =>
          r.labels.dimension_LoadBalancer === balancer &&
          (r.labels.instance ?? '') === (worst.group.labels.instance ?? ''),
      );
    const low = stretches(worst.share, (v) => v < MINORITY);
    const first = low[0];
    const group = worst.group.labels.dimension_TargetGroup ?? worst.group.subject;
    out.push(
      metricSignal({
        name: 'metrics.lb.healthy-share',
        about: requests ? { ...worst.group, subject: requests.subject } : worst.group,
        value: worst.trough.value,
        unit: 'ratio',
        window: first ? { start: first.start, end: (low[low.length - 1] ?? first).end } : index.window,
        onset: worst.trough.value < MINORITY && first ? first.start : undefined,
        explanation: `At its lowest ${levelName()} level (around ${clock(worst.trough.at)}), ${pct(worst.trough.value)} of the ${num(worst.registered)} targets of ${group} passed their health checks${worst.baseline !== undefined ? `, against ${pct(worst.baseline)} in the baseline` : ''}${first && worst.trough.value < MINORITY ? `; fewer than half were healthy from ${clock(first.start)}` : ''}.`,
      }),
    );
  }
  return out;
}
