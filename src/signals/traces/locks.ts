import { median } from '../../anomaly/order-statistics.js';
import type { Span } from '../../gather/traces/data.js';
import { type Add, iso, MIN_TRACES, ms, percent, RUN, sustainedLevel } from './emit.js';
import { isDbCall, type TraceView, traceSource } from './model.js';
import { waitShare, waitsByService, worstRun } from './waits.js';

// Waiting for a shared lock: database statements that take a lock (SELECT ... FOR UPDATE / FOR
// SHARE, LOCK TABLE, advisory locks, MySQL GET_LOCK, Redis SET ... NX) and spans that acquire a
// distributed lock. A free lock is granted at once, so the time in them is the queue behind the
// holders; per service and request, against the time of its other database work.

/** Statements that take a lock and wait for it (normalized: literals are `?`, so no value is matched). */
const LOCK_STATEMENT =
  /\bfor\s+(?:no\s+key\s+)?(?:update|share)\b|^\s*lock\s+(?:table\s+)?\w|\bpg_advisory_(?:xact_)?lock(?:_shared)?\s*\(|\bget_lock\s*\(|\bsp_getapplock\b|^\s*set\s+\S+\s+\S+\s+(?:\S+\s+){0,3}nx\b/i;
/** Spans of lock clients acquiring a lock (Redlock, ZooKeeper and etcd recipes, instrumented by hand). */
const LOCK_SPAN = /^(?:lock[._ ]acquire|acquire[._ ]lock|redlock[._ ]acquire)$/i;

export function isLockWait(span: Span): boolean {
  if (LOCK_SPAN.test(span.name)) return true;
  if (!isDbCall(span)) return false;
  const statement = span.attributes['db.statement'] ?? span.attributes['db.query.text'];
  return typeof statement === 'string' && LOCK_STATEMENT.test(statement);
}

/**
 * Lock waits are compared with at least 1 ms: an uncontended lock is granted in a fraction of one,
 * and a baseline of 0.2 ms would make an ordinary 2 ms statement a "10× shift".
 */
const WAIT_FLOOR_MS = 1;

export function lockSignals(traces: readonly TraceView[], add: Add): void {
  for (const { service, before, after } of waitsByService(traces, isLockWait)) {
    if (after.length < RUN) continue;
    after.sort((a, b) => a.t - b.t);
    // A lock that no request took in the baseline (a code path or a deploy that began taking it)
    // has no healthy wait of its own to compare with: it is measured against a lock granted at once.
    const baselined = before.length >= MIN_TRACES / 2;
    const baselineWait = baselined ? median(before.map((r) => r.v)) : 0;
    const baselineShare = baselined ? waitShare(before) : 0;
    const against = baselined
      ? `against ${ms(baselineWait)} in the first quarter of the window`
      : `where the first quarter of the window took no such lock (${before.length} requests did)`;
    const worst = worstRun(after);
    if (!worst) continue;
    add({
      name: 'traces.lock.wait.share',
      subject: service,
      value: worst.share,
      unit: 'ratio',
      explanation: `${service}'s requests spent up to ${percent(worst.share)} of their database time in statements that take a lock (${RUN} requests in a row), ${baselined ? `against ${percent(baselineShare)} in the first quarter of the window` : against}`,
      sources: [traceSource(worst.longest.item.trace, worst.longest.item.span)],
    });
    const floor = Math.max(WAIT_FLOOR_MS, baselineWait);
    const level = sustainedLevel(after, floor);
    if (!level) continue;
    add({
      name: 'traces.lock.wait.shift',
      subject: service,
      value: level.level / floor,
      unit: 'ratio',
      ...(level.raisedAt !== undefined ? { onset: iso(level.raisedAt) } : {}),
      explanation: `${service}'s median time per request in statements that take a lock reached ${ms(level.level)} ${against}, while its other database work took a median of ${ms(median(after.map((r) => r.work)))}`,
      sources: [traceSource(level.example.item.trace, level.example.item.span)],
    });
  }
}
