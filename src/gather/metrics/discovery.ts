import { GatherError } from '../gatherer.js';
import { describeServer, getJson, type HttpConnection } from '../http/client.js';
import { parsePromDuration } from './step.js';

// What a Prometheus-compatible server has: which of the metric names the query set needs have
// samples in the window, and how often it scrapes. Both are one small request each.

export interface Discovery {
  /** Names found; undefined when the server could not say (every query is then sent). */
  present?: ReadonlySet<string>;
  notes: string[];
}

/**
 * Asks which of `wanted` have series in the window. The match[] selector keeps the answer to the
 * names asked about, however many the server holds. Credentials and connection failures end the
 * source (no query would do better); a server that does not support the call is noted and every
 * query is sent instead.
 */
export async function discoverMetrics(
  connection: HttpConnection,
  window: { start: number; end: number },
  wanted: readonly string[],
): Promise<Discovery> {
  if (wanted.length === 0) return { notes: [] };
  const params = new URLSearchParams({ start: seconds(window.start), end: seconds(window.end) });
  params.append('match[]', `{__name__=~"${[...new Set(wanted)].map(escapeRegex).join('|')}"}`);
  try {
    const answer = await getJson(connection, '/api/v1/label/__name__/values', params);
    return { present: new Set(readNames(answer, describeServer(connection))), notes: [] };
  } catch (error) {
    if (!(error instanceof GatherError) || !['http-error', 'parse-error'].includes(error.code)) throw error;
    return {
      notes: [`metric discovery failed (${error.message}); every query was sent`],
    };
  }
}

/**
 * The global scrape interval from the server's configuration, or undefined: servers that do not
 * show their configuration (Thanos, Mimir, a proxy) are asked once, without retries.
 */
export async function discoverScrapeInterval(connection: HttpConnection): Promise<number | undefined> {
  try {
    // Optional: a short timeout, so a server that hangs on this call costs seconds, not the run.
    const quick = { ...connection, retries: 0, timeoutMs: Math.min(connection.timeoutMs ?? 30_000, 5000) };
    const answer = (await getJson(quick, '/api/v1/status/config')) as {
      data?: { yaml?: unknown };
    };
    const yaml = answer?.data?.yaml;
    if (typeof yaml !== 'string') return undefined;
    const global = /^global:[ \t]*\n((?:[ \t]+.*\n?)*)/m.exec(yaml)?.[1] ?? '';
    const interval = /^[ \t]+scrape_interval:[ \t]*["']?([0-9a-z]+)/m.exec(global)?.[1];
    return interval ? parsePromDuration(interval) : undefined;
  } catch (error) {
    if (error instanceof GatherError) return undefined;
    throw error;
  }
}

function readNames(answer: unknown, server: string): string[] {
  const r = answer as { status?: unknown; data?: unknown };
  if (r?.status !== 'success' || !Array.isArray(r.data)) {
    throw new GatherError(
      'parse-error',
      `${server}/api/v1/label/__name__/values: the answer is not a Prometheus API response; expected {"status":"success","data":[...]}`,
    );
  }
  return r.data.filter((n): n is string => typeof n === 'string');
}

function escapeRegex(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
