import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { nearest } from '../core/nearest.js';
import { packageRoot } from '../core/package-root.js';
import { compareProblems, InputError, type Problem } from '../core/problem.js';
import { signalDefinition, signalNames } from '../signals/registry.js';
import { leaves } from '../signatures/schema.js';
import { parseScenarioFile } from './scenario-file.js';
import { isReviewOnly, SCENARIO_FILE, type Scenario } from './schema.js';
import { resolveSource, type SeedItem, seedItems } from './seeds.js';

// Discovers scenario folders (no hand-kept registry), validates each file and the catalog as a
// whole: unique ids, folder names, related ids, seed sources and fixture files.

export type ScenarioOrigin = 'builtin' | 'user';

export const FIXTURES_DIR = 'fixtures';
/** Fixture files say by their name whether the scenario must match them or must not. */
export const FIXTURE_NAME_PATTERN = /^(positive|negative)-[a-z0-9][a-z0-9._-]*$/;

export interface Fixture {
  expect: 'positive' | 'negative';
  /** Path relative to the scenario folder. */
  path: string;
}

export interface CatalogScenario extends Scenario {
  origin: ScenarioOrigin;
  /** The scenario folder, as given by the user or relative to the package for built-ins. */
  dir: string;
  fixtures: Fixture[];
}

export interface Catalog {
  scenarios: CatalogScenario[];
  get(id: string): CatalogScenario | undefined;
  ids(): string[];
}

export function builtinScenariosDir(): string {
  return join(packageRoot(), 'catalog', 'scenarios');
}

interface ReadResult {
  scenarios: CatalogScenario[];
  problems: Problem[];
}

/** Reads every scenario folder under `root` (or `root` itself when it is one scenario folder). */
export function readScenarioTree(root: string, origin: ScenarioOrigin, displayRoot = root): ReadResult {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    return {
      scenarios: [],
      problems: [{ file: displayRoot, message: 'expected a folder of scenario folders' }],
    };
  }
  if (existsSync(join(root, SCENARIO_FILE))) return readScenarioFolder(root, displayRoot, origin, true);
  const result: ReadResult = { scenarios: [], problems: [] };
  const folders = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  for (const name of folders) {
    const one = readScenarioFolder(join(root, name), join(displayRoot, name), origin, false);
    result.scenarios.push(...one.scenarios);
    result.problems.push(...one.problems);
  }
  if (folders.length === 0) {
    result.problems.push({
      file: displayRoot,
      message: `no scenario folders found (expected <id>/${SCENARIO_FILE})`,
    });
  }
  return result;
}

function readScenarioFolder(
  dir: string,
  displayDir: string,
  origin: ScenarioOrigin,
  standalone: boolean,
): ReadResult {
  const file = join(dir, SCENARIO_FILE);
  const displayFile = join(displayDir, SCENARIO_FILE);
  if (!existsSync(file)) {
    return {
      scenarios: [],
      problems: [{ file: displayDir, message: `scenario folder has no ${SCENARIO_FILE}` }],
    };
  }
  const parsed = parseScenarioFile(displayFile, readFileSync(file, 'utf8'));
  if (!parsed.ok) return { scenarios: [], problems: parsed.problems };
  const problems: Problem[] = [];
  const folderName = dir.split(/[\\/]/).filter(Boolean).pop() ?? '';
  if (!standalone && parsed.scenario.id !== folderName) {
    problems.push({
      file: displayFile,
      line: 1,
      field: 'id',
      message: `id "${parsed.scenario.id}" must equal the folder name "${folderName}"`,
    });
  }
  problems.push(...signatureProblems(parsed.scenario, displayFile));
  const fixtures = readFixtures(dir, displayDir, problems);
  if (fixtures.length > 0 && isReviewOnly(parsed.scenario)) {
    problems.push({
      file: join(displayDir, FIXTURES_DIR),
      message: 'a scenario recognized only by review cannot have evidence fixtures',
    });
  }
  return { scenarios: [{ ...parsed.scenario, origin, dir: displayDir, fixtures }], problems };
}

/** A signature may only read signals that exist, so a misspelt name cannot make it silently never match. */
function signatureProblems(scenario: Scenario, file: string): Problem[] {
  const problems: Problem[] = [];
  const ways = scenario.signature;
  if (!ways) return problems;
  if (isReviewOnly(scenario)) {
    problems.push({
      file,
      field: 'signature',
      message: 'a scenario recognized only by review cannot have a signature',
    });
  }
  ways.forEach((spec, way) => {
    for (const part of ['when', 'support', 'against'] as const) {
      spec[part].forEach((condition, index) => {
        for (const leaf of leaves(condition)) {
          if (signalDefinition(leaf.signal)) continue;
          const suggestions = nearest(leaf.signal, signalNames(), 2);
          const hint = suggestions.length
            ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?`
            : '';
          problems.push({
            file,
            field: `signature[${way}].${part}[${index}].signal`,
            message: `unknown signal "${leaf.signal}"${hint} (faultline catalog signals lists them)`,
          });
        }
      });
    }
  });
  return problems;
}

function readFixtures(dir: string, displayDir: string, problems: Problem[]): Fixture[] {
  const fixturesDir = join(dir, FIXTURES_DIR);
  if (!existsSync(fixturesDir)) return [];
  const fixtures: Fixture[] = [];
  for (const entry of readdirSync(fixturesDir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const match = FIXTURE_NAME_PATTERN.exec(entry.name);
    if (!match?.[1]) {
      problems.push({
        file: join(displayDir, FIXTURES_DIR, entry.name),
        message:
          'fixture names must start with "positive-" or "negative-" (lower-case letters, digits, ".", "_", "-")',
      });
      continue;
    }
    fixtures.push({ expect: match[1] as Fixture['expect'], path: join(FIXTURES_DIR, entry.name) });
  }
  return fixtures;
}

/** Checks that only make sense across scenarios: unique ids, related ids, seed sources. */
export function crossCheck(
  scenarios: readonly CatalogScenario[],
  items: readonly SeedItem[] = seedItems(),
): Problem[] {
  const problems: Problem[] = [];
  const byId = new Map<string, CatalogScenario>();
  for (const scenario of scenarios) {
    const file = join(scenario.dir, SCENARIO_FILE);
    const first = byId.get(scenario.id);
    if (first) {
      problems.push({
        file,
        field: 'id',
        message: `duplicate scenario id "${scenario.id}" (already defined in ${join(first.dir, SCENARIO_FILE)})`,
      });
    } else {
      byId.set(scenario.id, scenario);
    }
  }
  const ids = [...byId.keys()];
  const seeds = new Set(items.map((item) => item.seed));
  for (const scenario of scenarios) {
    const file = join(scenario.dir, SCENARIO_FILE);
    scenario.related.forEach((related, index) => {
      if (related === scenario.id) {
        problems.push({
          file,
          field: `related[${index}]`,
          message: 'a scenario cannot be related to itself',
        });
      } else if (!byId.has(related)) {
        const suggestions = nearest(related, ids);
        problems.push({
          file,
          field: `related[${index}]`,
          message: `unknown scenario id "${related}"${suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : ''}`,
        });
      }
    });
    for (const [wayIndex, way] of (scenario.signature ?? []).entries()) {
      way.yieldsTo.forEach((other, index) => {
        if (byId.has(other) && other !== scenario.id) return;
        const suggestions = nearest(other, ids);
        problems.push({
          file,
          field: `signature[${wayIndex}].yieldsTo[${index}]`,
          message:
            other === scenario.id
              ? 'a scenario cannot yield to itself'
              : `unknown scenario id "${other}"${suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : ''}`,
        });
      });
    }
    scenario.sources.forEach((source, index) => {
      const field = `sources[${index}]`;
      if (!seeds.has(source.seed)) {
        problems.push({
          file,
          field,
          message: `unknown seed "${source.seed}"; known seeds: ${[...seeds].join(', ')}`,
        });
        return;
      }
      const matches = resolveSource(source, items);
      if (matches.length === 0) {
        const inSeed = items.filter((item) => item.seed === source.seed).map((item) => item.item);
        const suggestions = nearest(source.item, inSeed, 2);
        problems.push({
          file,
          field,
          message: `no item "${source.item}"${source.section ? ` in section "${source.section}"` : ''} in ${source.seed}${suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : ''}`,
        });
      } else if (matches.length > 1) {
        problems.push({
          file,
          field,
          message: `item "${source.item}" appears ${matches.length} times in ${source.seed}; add "section" with one of: ${matches.map((m) => `"${m.section}"`).join(', ')}`,
        });
      }
    });
  }
  return problems;
}

export function makeCatalog(scenarios: CatalogScenario[]): Catalog {
  const sorted = [...scenarios].sort((a, b) => a.id.localeCompare(b.id));
  const byId = new Map(sorted.map((scenario) => [scenario.id, scenario]));
  return {
    scenarios: sorted,
    get: (id) => byId.get(id),
    ids: () => sorted.map((scenario) => scenario.id),
  };
}

export interface LoadOptions {
  /** Folders of user scenarios, added to the built-in catalog. */
  userDirs?: readonly string[];
  /** Replace the built-in folder (tests). */
  builtinDir?: string;
}

/** Loads the built-in catalog plus user folders; throws InputError listing every problem. */
export function loadCatalog(options: LoadOptions = {}): Catalog {
  const { scenarios, problems } = readCatalog(options);
  if (problems.length > 0) {
    throw new InputError(`the scenario catalog has ${problems.length} problem(s)`, problems);
  }
  return makeCatalog(scenarios);
}

/** Like loadCatalog, but returns the problems instead of throwing (for validation and tests). */
export function readCatalog(options: LoadOptions = {}): ReadResult {
  const builtinDir = options.builtinDir ?? builtinScenariosDir();
  const builtin = readScenarioTree(builtinDir, 'builtin', options.builtinDir ?? join('catalog', 'scenarios'));
  const scenarios = [...builtin.scenarios];
  const problems = [...builtin.problems];
  for (const dir of options.userDirs ?? []) {
    const user = readScenarioTree(dir, 'user');
    scenarios.push(...user.scenarios);
    problems.push(...user.problems);
  }
  problems.push(...crossCheck(scenarios));
  return { scenarios, problems: problems.sort(compareProblems) };
}
