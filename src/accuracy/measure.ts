import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../catalog/loader.js';
import type { DiagnosisResult } from '../diagnosis/result.js';
import { analyzeEvidence } from '../pipeline/analyze.js';
import { inputsOfPath } from '../pipeline/evidence.js';
import { simulate, simulationIds } from '../simulate/simulate.js';

// Recognition accuracy, measured on labelled evidence: every positive fixture of a scenario with a
// signature must rank that scenario first (top-1) or among the first three (top-3) matched
// findings; negative fixtures and healthy runs must not raise it (false alarms).

export interface FixtureOutcome {
  scenarioId: string;
  file: string;
  expect: 'positive' | 'negative' | 'healthy';
  /** Matched scenario ids in rank order. */
  matched: string[];
  /** Rank of the labelled scenario among matched findings (1-based); undefined when not matched. */
  rank?: number;
  error?: string;
}

export interface ScenarioAccuracy {
  scenarioId: string;
  positives: number;
  top1: number;
  top3: number;
  negatives: number;
  falseAlarms: number;
}

export interface AccuracyTable {
  scenarios: ScenarioAccuracy[];
  total: Omit<ScenarioAccuracy, 'scenarioId'> & { healthyRuns: number; healthyRunsWithAlarms: number };
  /** Scenarios matched on healthy runs, with how many runs raised each. */
  healthyAlarms: Record<string, number>;
  outcomes: FixtureOutcome[];
}

export interface AccuracyReport extends AccuracyTable {
  /** Held-out runs made by the simulator with seeds the fixtures do not use; absent unless asked for. */
  simulated?: AccuracyTable & { runsPerScenario: number; seeds: string };
}

export interface AccuracyOptions {
  catalog: Catalog;
  /** Folders of healthy runs; any matched finding on them is a false alarm. */
  healthyDirs?: readonly string[];
  /** Only these scenarios (all with a signature and fixtures by default). */
  only?: readonly string[];
  /**
   * Also simulate this many fresh runs per scenario (and as many near misses and healthy runs) with
   * seeds the fixtures never use, into `dir`: recognition on evidence the signatures were not tuned on.
   */
  simulate?: { runs: number; dir: string; seedBase?: number };
}

/** Seeds of held-out runs start here; the catalog's fixtures use seeds below 1000. */
export const HELD_OUT_SEED_BASE = 10_000;

const FIXED_CLOCK = () => new Date(0);

export async function measureAccuracy(options: AccuracyOptions): Promise<AccuracyReport> {
  const outcomes: FixtureOutcome[] = [];
  const scenarios = options.catalog.scenarios.filter(
    (s) => s.signature && s.fixtures.length > 0 && (!options.only || options.only.includes(s.id)),
  );
  for (const scenario of scenarios) {
    for (const fixture of scenario.fixtures) {
      const file = join(scenario.dir, fixture.path);
      outcomes.push(await judge(options.catalog, scenario.id, file, fixture.expect));
    }
  }
  const healthyFiles = (options.healthyDirs ?? []).flatMap((dir) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((name) => !name.startsWith('.') && !name.endsWith('.md'))
          .sort()
          .map((name) => join(dir, name))
      : [],
  );
  for (const file of healthyFiles) outcomes.push(await judge(options.catalog, '', file, 'healthy'));
  const ids = scenarios.map((s) => s.id);
  const report: AccuracyReport = tabulate(ids, outcomes);
  if (options.simulate && options.simulate.runs > 0) {
    const simulated = await simulatedOutcomes(options.catalog, ids, options.simulate);
    const first = options.simulate.seedBase ?? HELD_OUT_SEED_BASE;
    const last = first + options.simulate.runs - 1;
    report.simulated = {
      ...tabulate(
        ids.filter((id) => simulationIds().includes(id)),
        simulated,
      ),
      runsPerScenario: options.simulate.runs,
      seeds: `${first}–${last}`,
    };
  }
  return report;
}

async function simulatedOutcomes(
  catalog: Catalog,
  ids: readonly string[],
  options: { runs: number; dir: string; seedBase?: number },
): Promise<FixtureOutcome[]> {
  const outcomes: FixtureOutcome[] = [];
  const simulable = new Set(simulationIds());
  mkdirSync(options.dir, { recursive: true });
  const run = async (scenario: string, expect: FixtureOutcome['expect'], seed: number, label: string) => {
    const file = join(options.dir, `${scenario}-${expect}-${seed}.jtl.gz`);
    await simulate({ scenario, seed, nearMiss: expect === 'negative', output: file });
    outcomes.push(await judge(catalog, label, file, expect));
  };
  for (let i = 0; i < options.runs; i++) {
    const seed = (options.seedBase ?? HELD_OUT_SEED_BASE) + i;
    for (const id of ids) {
      if (!simulable.has(id)) continue;
      await run(id, 'positive', seed, id);
      await run(id, 'negative', seed, id);
    }
    await run('healthy', 'healthy', seed, '');
  }
  return outcomes;
}

export function tabulate(ids: readonly string[], outcomes: FixtureOutcome[]): AccuracyTable {
  const perScenario = ids.map((id): ScenarioAccuracy => {
    const mine = outcomes.filter((o) => o.scenarioId === id);
    const positives = mine.filter((o) => o.expect === 'positive');
    const negatives = mine.filter((o) => o.expect === 'negative');
    return {
      scenarioId: id,
      positives: positives.length,
      top1: positives.filter((o) => o.rank === 1).length,
      top3: positives.filter((o) => o.rank !== undefined && o.rank <= 3).length,
      negatives: negatives.length,
      falseAlarms: negatives.filter((o) => o.matched.includes(id)).length,
    };
  });
  const healthy = outcomes.filter((o) => o.expect === 'healthy');
  const healthyAlarms: Record<string, number> = {};
  for (const outcome of healthy) {
    for (const id of outcome.matched) healthyAlarms[id] = (healthyAlarms[id] ?? 0) + 1;
  }
  const sum = (key: keyof Omit<ScenarioAccuracy, 'scenarioId'>) =>
    perScenario.reduce((n, s) => n + s[key], 0);
  return {
    scenarios: perScenario,
    total: {
      positives: sum('positives'),
      top1: sum('top1'),
      top3: sum('top3'),
      negatives: sum('negatives'),
      falseAlarms: sum('falseAlarms'),
      healthyRuns: healthy.length,
      healthyRunsWithAlarms: healthy.filter((o) => o.matched.length > 0).length,
    },
    healthyAlarms,
    outcomes,
  };
}

async function judge(
  catalog: Catalog,
  scenarioId: string,
  file: string,
  expect: FixtureOutcome['expect'],
): Promise<FixtureOutcome> {
  const { result } = await analyzeEvidence(inputsOfPath(file), { catalog, now: FIXED_CLOCK });
  const failed = result.inputs.find((i) => i.status === 'failed');
  const matched = matchedIds(result);
  const index = matched.indexOf(scenarioId);
  return {
    scenarioId,
    file,
    expect,
    matched,
    ...(index >= 0 ? { rank: index + 1 } : {}),
    ...(failed?.error ? { error: failed.error.message } : {}),
  };
}

export function matchedIds(result: DiagnosisResult): string[] {
  return result.findings.filter((f) => f.status === 'matched').map((f) => f.scenarioId);
}

/**
 * The most common mistakes: for every labelled positive that did not rank first, the label and
 * what ranked first instead ("nothing" when no scenario matched), with how often, most common first.
 */
export function confusion(
  outcomes: readonly FixtureOutcome[],
): { expected: string; got: string; count: number }[] {
  const counts = new Map<string, { expected: string; got: string; count: number }>();
  for (const outcome of outcomes) {
    if (outcome.expect !== 'positive' || outcome.rank === 1) continue;
    const got = outcome.matched[0] ?? 'nothing';
    const key = `${outcome.scenarioId}\u0000${got}`;
    const entry = counts.get(key) ?? { expected: outcome.scenarioId, got, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort(
    (a, b) => b.count - a.count || a.expected.localeCompare(b.expected) || a.got.localeCompare(b.got),
  );
}
