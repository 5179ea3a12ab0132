import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../src/catalog/loader.js';
import { textCatalog, triage } from '../src/pipeline/analyze.js';

// Recognition accuracy of `faultline triage` on the labelled corpus in bench/triage-corpus:
// top-1 and top-3 per scenario and per category, and false alarms on output of runs that
// succeeded. Usage: npm run bench:triage [-- --verbose]

const CORPUS = join(import.meta.dirname, '..', 'bench', 'triage-corpus');
const SUCCEEDED = 'succeeded';
const verbose = process.argv.includes('--verbose');

interface Row {
  label: string;
  category: string;
  snippets: number;
  top1: number;
  top3: number;
  falseAlarms: number;
}

const catalog = loadCatalog();
const scenarios = textCatalog(catalog);
const labels = readdirSync(CORPUS)
  .filter((name) => statSync(join(CORPUS, name)).isDirectory())
  .sort();
const rows: Row[] = [];
let lines = 0;
const started = process.hrtime.bigint();
for (const label of labels) {
  const scenario = catalog.get(label);
  if (label !== SUCCEEDED && !scenario) throw new Error(`${label}: not a scenario id (nor "${SUCCEEDED}")`);
  const row: Row = {
    label,
    category: scenario?.category ?? '-',
    snippets: 0,
    top1: 0,
    top3: 0,
    falseAlarms: 0,
  };
  for (const name of readdirSync(join(CORPUS, label)).sort()) {
    const file = join(CORPUS, label, name);
    const { bundle, result } = await triage([file], { catalog: scenarios, now: () => new Date(0) });
    const source = bundle.evidence['tool-output']?.[0];
    if (source?.status !== 'loaded')
      throw new Error(`${file}: ${source?.status === 'failed' ? source.error.message : 'not read'}`);
    lines += source.data.lines;
    const matched = result.findings.filter((f) => f.status === 'matched').map((f) => f.scenarioId);
    row.snippets++;
    if (label === SUCCEEDED) {
      if (matched.length > 0) row.falseAlarms++;
    } else {
      const rank = matched.indexOf(label) + 1;
      if (rank === 1) row.top1++;
      if (rank >= 1 && rank <= 3) row.top3++;
      // Another scenario ranked above the right one, or raised when the right one was not.
      if (rank !== 1 && matched.length > 0) row.falseAlarms++;
    }
    if (verbose || (label === SUCCEEDED ? matched.length > 0 : matched[0] !== label))
      console.log(`  ${label}/${name}: ${matched.length > 0 ? matched.join(', ') : 'nothing matched'}`);
  }
  rows.push(row);
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

const pct = (n: number, d: number) => (d === 0 ? '-' : `${Math.round((100 * n) / d)}%`);
const table = (title: string, list: Row[]) => {
  console.log(`\n${title}`);
  console.log(
    `${'label'.padEnd(34)} ${'snippets'.padStart(8)} ${'top-1'.padStart(11)} ${'top-3'.padStart(11)} ${'wrong/false'.padStart(12)}`,
  );
  for (const r of list) {
    const scored = r.label !== SUCCEEDED;
    console.log(
      `${r.label.padEnd(34)} ${String(r.snippets).padStart(8)} ${(scored ? `${r.top1} (${pct(r.top1, r.snippets)})` : '-').padStart(11)} ${(scored ? `${r.top3} (${pct(r.top3, r.snippets)})` : '-').padStart(11)} ${String(r.falseAlarms).padStart(12)}`,
    );
  }
};
table('Per scenario', rows);
const byCategory = new Map<string, Row>();
for (const r of rows.filter((x) => x.label !== SUCCEEDED)) {
  const c = byCategory.get(r.category) ?? {
    label: r.category,
    category: r.category,
    snippets: 0,
    top1: 0,
    top3: 0,
    falseAlarms: 0,
  };
  c.snippets += r.snippets;
  c.top1 += r.top1;
  c.top3 += r.top3;
  c.falseAlarms += r.falseAlarms;
  byCategory.set(r.category, c);
}
table(
  'Per category',
  [...byCategory.values()].sort((a, b) => (a.label < b.label ? -1 : 1)),
);
const failures = rows.filter((r) => r.label !== SUCCEEDED);
const sum = (key: 'snippets' | 'top1' | 'top3' | 'falseAlarms', list: Row[]) =>
  list.reduce((n, r) => n + r[key], 0);
const ok = rows.filter((r) => r.label === SUCCEEDED);
console.log(
  `\nAll failures: ${sum('snippets', failures)} snippets, top-1 ${pct(sum('top1', failures), sum('snippets', failures))}, top-3 ${pct(sum('top3', failures), sum('snippets', failures))}; successful outputs: ${sum('snippets', ok)}, with a false alarm: ${sum('falseAlarms', ok)}`,
);
console.log(`${lines} lines in ${seconds.toFixed(1)} s (catalog load and report assembly included)`);
if (!existsSync(CORPUS)) process.exitCode = 2;
