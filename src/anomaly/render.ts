import type { ScoredSeries } from './score-series.js';

// The two outputs of `faultline anomalies`: JSON with every point (for charts and other tools) and
// a short table of the flagged windows for people.

const round = (n: number) => Math.round(n * 1000) / 1000;
const iso = (ms: number) => new Date(ms).toISOString();

export function renderAnomaliesJson(result: ScoredSeries): string {
  const output = {
    points: result.points.map((p) => ({
      timestamp: iso(p.timestamp),
      value: p.value,
      score: p.score === null ? null : round(p.score),
    })),
    windows: result.windows.map((w) => ({
      start: iso(w.start),
      end: iso(w.end),
      peakScore: round(w.peakScore),
      direction: w.direction,
      kind: w.kind,
    })),
  };
  return `${JSON.stringify(output, null, 2)}\n`;
}

export function renderAnomaliesTable(result: ScoredSeries, source: string): string {
  const missing = result.points.filter((p) => p.value === null).length;
  const cycle = result.periodMs === null ? 'no cycle found' : `cycle of ${duration(result.periodMs)}`;
  const lines = [
    `${source}: ${result.points.length} points${missing ? ` (${missing} missing)` : ''}, every ${duration(result.intervalMs)}, ${cycle}`,
  ];
  if (result.windows.length === 0) {
    lines.push('no anomalies flagged');
    return `${lines.join('\n')}\n`;
  }
  lines.push(`${result.windows.length} anomal${result.windows.length === 1 ? 'y' : 'ies'} flagged:`, '');
  const header = ['start', 'end', 'lasted', 'direction', 'kind', 'peak score'];
  const rows = result.windows.map((w) => [
    iso(w.start),
    iso(w.end),
    duration(w.end - w.start),
    w.direction,
    w.kind,
    w.peakScore.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const format = (cells: string[]) =>
    `  ${cells.map((c, i) => (i === cells.length - 1 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('  ')}`.trimEnd();
  lines.push(format(header), ...rows.map(format));
  return `${lines.join('\n')}\n`;
}

/** 0s, 45s, 5m, 1h30m, 1d2h: the largest two units that matter. */
function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return ms > 0 && ms < 1000 ? `${Math.round(ms)}ms` : `${s}s`;
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length) parts.push(`${count}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.filter((p) => !/^0/.test(p)).join('') || '0s';
}
