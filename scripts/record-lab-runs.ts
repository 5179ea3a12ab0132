import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

// Keeps lab runs as regression evidence: for every run folder under the given folders, its manifest
// and the bundle the diagnosis read go to bench/lab-runs/<scenario>/<run>/, which
// `npm run bench:accuracy` replays. Usage: npm run lab:record -- faultline-lab [more folders]

const TARGET = join(import.meta.dirname, '..', 'bench', 'lab-runs');
const sources = process.argv.slice(2);
if (sources.length === 0) {
  console.error('usage: npm run lab:record -- FOLDER...   (folders holding lab run folders)');
  process.exit(2);
}
let kept = 0;
for (const source of sources) {
  for (const name of readdirSync(source).sort()) {
    const run = join(source, name);
    if (!existsSync(join(run, 'manifest.json')) || !existsSync(join(run, 'bundle.json.gz'))) continue;
    const { scenario, seed, load, steps, tools } = JSON.parse(
      readFileSync(join(run, 'manifest.json'), 'utf8'),
    );
    // JMeter is the default load tool; other tools are named in the folder, as is a stepped load.
    const tool = tools?.load && tools.load !== 'jmeter' ? `-${tools.load}` : '';
    const stepped = Array.isArray(steps) ? `-${steps.length}steps` : '';
    const dir = join(
      TARGET,
      scenario,
      `${basename(run).slice(scenario.length + 1)}-seed${seed}-${load?.rate ?? 'x'}rps${stepped}${tool}`,
    );
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(run, 'manifest.json'), join(dir, 'manifest.json'));
    copyFileSync(join(run, 'bundle.json.gz'), join(dir, 'bundle.json.gz'));
    kept++;
  }
}
console.log(`kept ${kept} runs in ${TARGET}`);
