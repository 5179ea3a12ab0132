import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import type { Catalog } from '../catalog/loader.js';
import { InputError } from '../core/problem.js';
import { diagnoseBundle, readBundle } from '../pipeline/analyze.js';
import { type AccuracyTable, type FixtureOutcome, matchedIds, tabulate } from './measure.js';

// Recognition accuracy on recorded runs: folders that hold a manifest (what was injected, when)
// and the evidence bundle the diagnosis read. A run labelled with a scenario counts for top-1
// when that scenario is the first matched finding; a run labelled `healthy` is a false alarm when
// anything matched. The fault lab writes such folders; any recorded incident can be one too.

export const RECORDED_MANIFEST = 'manifest.json';
export const RECORDED_BUNDLE = 'bundle.json.gz';
export const HEALTHY_LABEL = 'healthy';

const ManifestSchema = z.object({
  scenario: z.string().min(1),
  injectedAt: z.string().optional(),
});

/** The folders under `root` (at any depth) that hold a recorded run, in a stable order. */
export function findRecordedRuns(root: string): string[] {
  if (!existsSync(root)) return [];
  const found: string[] = [];
  const walk = (dir: string) => {
    if (existsSync(join(dir, RECORDED_MANIFEST))) found.push(dir);
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (!name.startsWith('.') && statSync(path).isDirectory()) walk(path);
    }
  };
  walk(root);
  return found;
}

/** The scenario a recorded run was labelled with, from its manifest. */
export function recordedLabel(dir: string): string {
  const path = join(dir, RECORDED_MANIFEST);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError(`${path}: not JSON (${(error as Error).message})`);
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`${path}: expected an object with a "scenario" id`);
  return parsed.data.scenario;
}

export interface RecordedAccuracy extends AccuracyTable {
  runs: number;
}

/** Diagnoses every recorded run under `root` and tabulates recognition per labelled scenario. */
export async function measureRecorded(catalog: Catalog, root: string): Promise<RecordedAccuracy> {
  const outcomes: FixtureOutcome[] = [];
  for (const dir of findRecordedRuns(root)) {
    const label = recordedLabel(dir);
    if (label !== HEALTHY_LABEL && !catalog.get(label))
      throw new InputError(`${join(dir, RECORDED_MANIFEST)}: "${label}" is not a scenario of the catalog`);
    const bundle = await readBundle(join(dir, RECORDED_BUNDLE));
    const matched = matchedIds(diagnoseBundle(bundle, { catalog, now: () => new Date(0) }));
    const healthy = label === HEALTHY_LABEL;
    const index = matched.indexOf(label);
    outcomes.push({
      scenarioId: healthy ? '' : label,
      file: relative(root, dir),
      expect: healthy ? 'healthy' : 'positive',
      matched,
      ...(index >= 0 ? { rank: index + 1 } : {}),
    });
  }
  const ids = [...new Set(outcomes.filter((o) => o.expect === 'positive').map((o) => o.scenarioId))].sort();
  return { ...tabulate(ids, outcomes), runs: outcomes.length };
}
