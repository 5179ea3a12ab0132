import type { KubeCondition, KubeProgressiveRollout } from '../../gather/kubernetes/data.js';
import type { Signal } from '../signal.js';
import { type Cluster, excerpt, fieldPointer, signal, subjectOf } from './cluster.js';

// Signals about progressive delivery: Argo Rollouts Rollouts and Flagger Canaries that stopped
// advancing because their analysis failed, was inconclusive, or the canary never became ready in
// time, told apart from a rollout that waits at a pause step it was given on purpose or is still
// moving through its steps.

/** Argo pause reasons set by a failing guardrail rather than by a step the author wrote. */
const ANALYSIS_PAUSES = new Set(['InconclusiveAnalysisRun', 'InconclusiveExperiment']);

/**
 * Flagger counts failed checks up to spec.analysis.threshold and then rolls back. One failed check
 * is a single missed metric interval; two mean the analysis has halted advancement more than once
 * for this revision, which is what a stuck canary looks like before its threshold is reached.
 */
const FLAGGER_HALTING_CHECKS = 2;

function condition(conditions: readonly KubeCondition[], type: string): KubeCondition | undefined {
  return conditions.find((c) => c.type === type);
}

function isoOf(t: string | undefined): string | undefined {
  return t && !Number.isNaN(Date.parse(t)) ? new Date(Date.parse(t)).toISOString() : undefined;
}

/** Why a rollout is halted by its guardrails, or undefined when it is not. */
function haltOf(r: KubeProgressiveRollout): { why: string; since: string | undefined } | undefined {
  if (r.kind === 'Rollout') {
    const progressing = condition(r.conditions, 'Progressing');
    const since = isoOf(progressing?.lastTransitionTime);
    const said = progressing?.message ? `: ${excerpt(progressing.message)}` : '';
    if (r.abort || progressing?.reason === 'RolloutAborted')
      return {
        why: `the update was aborted (RolloutAborted)${said || (r.message ? `: ${excerpt(r.message)}` : '')}`,
        since,
      };
    if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded')
      return { why: `the canary did not become ready within its progress deadline${said}`, since };
    const inconclusive = r.pauseReasons.find((reason) => ANALYSIS_PAUSES.has(reason));
    if (inconclusive)
      return { why: `it is paused because its analysis was inconclusive (${inconclusive})`, since };
    return undefined;
  }
  const promoted = condition(r.conditions, 'Promoted');
  const since = isoOf(r.lastTransitionTime ?? promoted?.lastTransitionTime);
  const checks = `${r.failedChecks ?? 0} failed checks${r.failureThreshold ? ` of a threshold of ${r.failureThreshold}` : ''}`;
  if (r.phase === 'Failed')
    return {
      why: `the canary analysis failed and it was rolled back (${checks})${promoted?.message ? `: ${excerpt(promoted.message)}` : ''}`,
      since,
    };
  if ((r.failedChecks ?? 0) >= FLAGGER_HALTING_CHECKS)
    return {
      why: `its analysis keeps halting advancement (${checks}, canary weight ${r.canaryWeight ?? 0}%)`,
      since,
    };
  return undefined;
}

/** Where the rollout stands, for the explanation of one that is not halted. */
function standing(r: KubeProgressiveRollout): string {
  if (r.kind === 'Canary')
    return `phase ${r.phase ?? 'unknown'}, canary weight ${r.canaryWeight ?? 0}%, ${r.failedChecks ?? 0} failed checks`;
  const step =
    r.currentStepIndex !== undefined && r.steps.length > 0
      ? `, step ${r.currentStepIndex} of ${r.steps.length}${r.steps[r.currentStepIndex] ? ` (${r.steps[r.currentStepIndex]})` : ''}`
      : '';
  const paused = r.pauseReasons.length > 0 ? `, paused for ${r.pauseReasons.join(', ')}` : '';
  return `phase ${r.phase ?? 'unknown'}${step}${paused}`;
}

export function progressiveRolloutSignals(cluster: Cluster): Signal[] {
  return cluster.progressiveRollouts.map((r) => {
    const s = subjectOf(r.kind, r.namespace, r.name);
    const halt = haltOf(r);
    return signal(
      'k8s.rollout.halted',
      s,
      halt ? 1 : 0,
      halt ? `${s} stopped advancing: ${halt.why}` : `${s} is not halted by its analysis (${standing(r)})`,
      [fieldPointer(r.kind, r, 'status')],
      { onset: halt?.since },
    );
  });
}
