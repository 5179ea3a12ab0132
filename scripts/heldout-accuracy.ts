import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureAccuracy } from '../src/accuracy/measure.js';
import { loadCatalog, makeCatalog } from '../src/catalog/loader.js';
import { accuracyTable } from '../src/cli/commands/accuracy.js';

// Held-out accuracy of the metrics, traces and Kubernetes ways: the fixture generators write every
// fixture again with other seeds (`--seed-offset`), and each scenario is judged on those runs, which the
// signatures were never tuned on. Load-test ways have their own held-out runs: `accuracy --simulated`.
//
//   npx tsx scripts/heldout-accuracy.ts            seed offsets 1000 and 2000
//   npx tsx scripts/heldout-accuracy.ts 5000 6000  other offsets

const offsets = process.argv.slice(2).map(Number);
const catalog = loadCatalog();
for (const offset of offsets.length ? offsets : [1000, 2000]) {
  const out = mkdtempSync(join(tmpdir(), `faultline-heldout-${offset}-`));
  for (const generator of ['metrics', 'traces', 'kubernetes']) {
    execFileSync(
      'npx',
      ['tsx', join('scripts', 'fixtures', `${generator}.ts`), '--seed-offset', String(offset), '--out', out],
      { stdio: 'ignore' },
    );
  }
  const scenarios = catalog.scenarios.flatMap((s) => {
    const dir = join(out, 'scenarios', s.id);
    const fixturesDir = join(dir, 'fixtures');
    if (!existsSync(fixturesDir)) return [];
    const fixtures = readdirSync(fixturesDir)
      .sort()
      .map((name) => ({
        expect: (name.startsWith('positive-') ? 'positive' : 'negative') as 'positive' | 'negative',
        path: join('fixtures', name),
      }));
    return [{ ...s, dir, fixtures }];
  });
  const held = makeCatalog([
    ...scenarios,
    ...catalog.scenarios.filter((s) => !scenarios.some((h) => h.id === s.id)),
  ]);
  const report = await measureAccuracy({
    catalog: held,
    only: scenarios.map((s) => s.id),
    healthyDirs: [join(out, 'healthy')],
  });
  console.log(`Held-out runs, seed offset ${offset} (${out})`);
  console.log(accuracyTable(report, false));
  for (const o of report.outcomes) {
    if (o.expect === 'positive' && o.rank !== 1)
      console.log(
        `  ${o.rank ? `ranked ${o.rank}` : 'missed'}: ${o.scenarioId} in ${o.file} (matched: ${o.matched.join(', ')})`,
      );
    if (o.expect !== 'positive' && o.matched.includes(o.scenarioId))
      console.log(`  false alarm: ${o.scenarioId} in ${o.file}`);
    if (o.expect === 'healthy' && o.matched.length)
      console.log(`  healthy run alarmed: ${o.file} (${o.matched.join(', ')})`);
  }
}
