import { open, readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ComparisonResult } from '../../compare/result.js';
import { InputError } from '../../core/problem.js';
import type { DiagnosisResult } from '../../diagnosis/result.js';
import type { LoadTestData } from '../../gather/load-test/data.js';
import { gatherLoadTests, readBundle } from '../../pipeline/analyze.js';
import { evaluatePolicy } from '../../policy/evaluate.js';
import type { Policy, PolicyEvaluation } from '../../policy/model.js';
import { mergePolicies, parsePolicyFile, policyFromFlags } from '../../policy/policy-file.js';
import type { Io } from '../io.js';

// The policy gate shared by analyze and compare: limits from a policy file and flags, evaluated
// against KPIs, a comparison with a baseline and the findings. Only the CLI turns a failed policy
// into exit code 1.

export interface GateOptions {
  policy?: string;
  failOn: string[];
  failOnSeverity?: string;
}

export function addGateOptions(command: Command): Command {
  return command
    .option('--policy <file>', 'a policy file (YAML) with limits; a failed limit exits with code 1')
    .option(
      '--fail-on <expression>',
      'a limit, e.g. "p95 < 500ms", "error_rate < 1%", "p95 regression <= 10%" (repeatable)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option(
      '--fail-on-severity <severity>',
      'fail when a finding of this severity or worse matched (critical, high, medium, low)',
    );
}

export async function readPolicy(options: GateOptions): Promise<Policy | undefined> {
  const parts: Policy[] = [];
  if (options.policy) {
    let text: string;
    try {
      text = await readFile(options.policy, 'utf8');
    } catch {
      throw new InputError(`${options.policy}: cannot read the policy file`);
    }
    parts.push(parsePolicyFile(options.policy, text));
  }
  if (options.failOn.length > 0 || options.failOnSeverity)
    parts.push(policyFromFlags(options.failOn, options.failOnSeverity));
  return parts.length > 0 ? mergePolicies(...parts) : undefined;
}

export function gate(
  io: Io,
  policy: Policy | undefined,
  input: { result?: DiagnosisResult; comparison?: ComparisonResult },
): PolicyEvaluation | undefined {
  if (!policy) return undefined;
  const evaluation = evaluatePolicy(policy, {
    ...(input.result?.loadTest
      ? { kpis: { overall: input.result.loadTest.overall, endpoints: input.result.loadTest.endpoints } }
      : {}),
    ...(input.comparison ? { comparison: input.comparison } : {}),
    ...(input.result ? { findings: input.result.findings } : {}),
  });
  const failed = evaluation.conditions.filter((c) => c.evaluated && !c.passed).length;
  io.error(
    `policy: ${evaluation.passed ? 'passed' : `FAILED (${failed} of ${evaluation.conditions.length} conditions)`}\n`,
  );
  for (const c of evaluation.conditions) {
    const mark = !c.evaluated ? '-' : c.passed ? '✓' : '✗';
    io.error(`  ${mark} ${c.expression}${c.scope !== 'overall' ? ` [${c.scope}]` : ''}: ${c.reason}\n`);
  }
  return evaluation;
}

/**
 * The load-test data of one side of a comparison: result files (analyzed now) or saved bundles.
 * Several paths make one side (injectors of one run).
 */
export async function readSide(paths: readonly string[], label: string): Promise<LoadTestData[]> {
  const data: LoadTestData[] = [];
  const files: string[] = [];
  for (const path of paths) {
    if (await isBundle(path)) {
      for (const source of (await readBundle(path)).evidence['load-test'] ?? []) {
        if (source.status === 'loaded') data.push(source.data);
      }
    } else {
      files.push(path);
    }
  }
  if (files.length > 0) {
    const bundle = await gatherLoadTests(files);
    for (const source of bundle.evidence['load-test'] ?? []) {
      if (source.status === 'loaded') data.push(source.data);
      else throw new InputError(`${label}: ${source.error.message}`);
    }
  }
  if (data.length === 0) throw new InputError(`${label}: no load-test data in ${paths.join(', ')}`);
  return data;
}

async function isBundle(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(200);
      const { bytesRead } = await handle.read(head, 0, 200, 0);
      return /^\s*\{\s*"formatVersion"\s*:/.test(head.subarray(0, bytesRead).toString('utf8'));
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}
