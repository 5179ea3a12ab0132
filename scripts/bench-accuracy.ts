import { join } from 'node:path';
import { type AccuracyTable, confusion, measureAccuracy } from '../src/accuracy/measure.js';
import { measureRecorded } from '../src/accuracy/recorded.js';
import { loadCatalog } from '../src/catalog/loader.js';

// Recognition accuracy on everything labelled the project keeps: the recorded fault-lab runs
// (bench/lab-runs: real faults injected into a real service, the evidence collected by real tools)
// and the catalog's fixtures and healthy runs. Prints top-1, top-3 and false alarms per scenario
// and overall, and the most common mistakes.
// Usage: npm run bench:accuracy [-- --runs DIR] [-- --fixtures-summary]

const ROOT = join(import.meta.dirname, '..');
const runsAt = process.argv.indexOf('--runs');
const RUNS = (runsAt === -1 ? undefined : process.argv[runsAt + 1]) ?? join(ROOT, 'bench', 'lab-runs');
/** Print only the totals and the mistakes for the catalog fixtures (they are many). */
const fixturesSummary = process.argv.includes('--fixtures-summary');

const catalog = loadCatalog();
const pct = (n: number, d: number) => (d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`);

function printTable(title: string, table: AccuracyTable, perScenario: boolean): void {
  console.log(`\n${title}`);
  if (perScenario) {
    console.log(
      `${'scenario'.padEnd(40)} ${'runs'.padStart(5)} ${'top-1'.padStart(7)} ${'top-3'.padStart(7)} ${'negatives'.padStart(9)} ${'false'.padStart(6)}`,
    );
    for (const s of table.scenarios) {
      console.log(
        `${s.scenarioId.padEnd(40)} ${String(s.positives).padStart(5)} ${String(s.top1).padStart(7)} ${String(s.top3).padStart(7)} ${String(s.negatives).padStart(9)} ${String(s.falseAlarms).padStart(6)}`,
      );
    }
  }
  const t = table.total;
  console.log(
    `overall: ${t.positives} labelled, top-1 ${t.top1} (${pct(t.top1, t.positives)}), top-3 ${t.top3} (${pct(t.top3, t.positives)}); ` +
      `${t.negatives} near misses with ${t.falseAlarms} false alarms; ${t.healthyRuns} healthy runs, ${t.healthyRunsWithAlarms} with a false alarm`,
  );
  const alarms = Object.entries(table.healthyAlarms).sort((a, b) => b[1] - a[1]);
  if (alarms.length > 0)
    console.log(`raised on healthy runs: ${alarms.map(([id, n]) => `${id} ×${n}`).join(', ')}`);
  const mistakes = confusion(table.outcomes).slice(0, 15);
  if (mistakes.length > 0) {
    console.log('most common mistakes (labelled → ranked first):');
    for (const m of mistakes) console.log(`  ${String(m.count).padStart(3)}  ${m.expected} → ${m.got}`);
  }
  const failed = table.outcomes.filter((o) => o.error);
  for (const o of failed) console.log(`  unreadable: ${o.file}: ${o.error}`);
}

const recorded = await measureRecorded(catalog, RUNS);
if (recorded.runs === 0) console.log(`\nRecorded lab runs: none under ${RUNS}`);
else printTable(`Recorded lab runs (${RUNS})`, recorded, true);

const fixtures = await measureAccuracy({ catalog, healthyDirs: [join(ROOT, 'catalog', 'healthy')] });
printTable('Catalog fixtures and healthy runs', fixtures, !fixturesSummary);
