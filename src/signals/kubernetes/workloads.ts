import type { KubeCondition, KubeEvent } from '../../gather/kubernetes/data.js';
import type { Signal } from '../signal.js';
import {
  type Cluster,
  eventPointer,
  excerpt,
  fieldPointer,
  firstTime,
  occurrences,
  signal,
  subjectOf,
} from './cluster.js';

// Signals about controllers: deployments that stopped progressing, autoscalers that cannot read
// their metrics or are pinned at their maximum, jobs that gave up, and namespaces whose quota
// refuses new pods. Each reads the condition the controller itself sets, with its reason.

function condition(conditions: readonly KubeCondition[], type: string): KubeCondition | undefined {
  return conditions.find((c) => c.type === type);
}

function said(c: KubeCondition | undefined): string {
  return c
    ? `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${excerpt(c.message)}` : ''}`
    : '';
}

function transition(c: KubeCondition | undefined): string | undefined {
  const t = c?.lastTransitionTime;
  return t && !Number.isNaN(Date.parse(t)) ? new Date(Date.parse(t)).toISOString() : undefined;
}

export function deploymentSignals(cluster: Cluster): Signal[] {
  return cluster.deployments.flatMap((d) => {
    const s = subjectOf('Deployment', d.namespace, d.name);
    const progressing = condition(d.conditions, 'Progressing');
    const exceeded = progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded';
    const unavailable = d.unavailableReplicas;
    return [
      signal(
        'k8s.deployment.unavailable-replicas',
        s,
        unavailable,
        `${s} has ${d.availableReplicas} of ${d.replicas} replicas available (${unavailable} unavailable, ${d.updatedReplicas} updated)`,
        [fieldPointer('Deployment', d, 'status.unavailableReplicas')],
      ),
      signal(
        'k8s.deployment.progress-deadline-exceeded',
        s,
        exceeded ? 1 : 0,
        exceeded
          ? `${s} stopped progressing: ${said(progressing)}`
          : `${s} is progressing or complete${progressing ? `: ${said(progressing)}` : ''}`,
        [fieldPointer('Deployment', d, 'status.conditions')],
        { onset: exceeded ? transition(progressing) : undefined },
      ),
    ];
  });
}

/** ScalingActive reasons that mean a metric could not be read, as the HPA controller sets them. */
const METRIC_FAILURE = /^FailedGet.{0,40}Metric|^InvalidMetricSourceType$|^FailedComputeMetricsReplicas$/;

export function autoscalerSignals(cluster: Cluster): Signal[] {
  return cluster.horizontalPodAutoscalers.flatMap((h) => {
    const s = subjectOf('HorizontalPodAutoscaler', h.namespace, h.name);
    const active = condition(h.conditions, 'ScalingActive');
    const limited = condition(h.conditions, 'ScalingLimited');
    const able = condition(h.conditions, 'AbleToScale');
    const metricsFailed = active?.status === 'False' && METRIC_FAILURE.test(active.reason ?? '');
    const atMax = limited?.status === 'True' && limited.reason === 'TooManyReplicas';
    const unable = able?.status === 'False';
    const pointer = [fieldPointer('HorizontalPodAutoscaler', h, 'status.conditions')];
    const target = h.target ? ` (scales ${h.target})` : '';
    return [
      signal(
        'k8s.hpa.metrics-unavailable',
        s,
        metricsFailed ? 1 : 0,
        metricsFailed
          ? `${s}${target} cannot read its metrics: ${said(active)}`
          : `${s}${target} reads its metrics${active ? `: ${said(active)}` : ''}`,
        pointer,
        { onset: metricsFailed ? transition(active) : undefined },
      ),
      signal(
        'k8s.hpa.at-max',
        s,
        atMax ? 1 : 0,
        atMax
          ? `${s}${target} wants more than its maxReplicas ${h.maxReplicas}: ${said(limited)}`
          : `${s}${target} is below its maximum of ${h.maxReplicas} replicas`,
        pointer,
        { onset: atMax ? transition(limited) : undefined },
      ),
      signal(
        'k8s.hpa.unable-to-scale',
        s,
        unable ? 1 : 0,
        unable
          ? `${s}${target} cannot scale its target: ${said(able)}`
          : `${s}${target} can scale its target`,
        pointer,
        { onset: unable ? transition(able) : undefined },
      ),
    ];
  });
}

export function jobSignals(cluster: Cluster): Signal[] {
  return cluster.jobs.flatMap((j) => {
    const s = subjectOf('Job', j.namespace, j.name);
    const failed = condition(j.conditions, 'Failed');
    const isFailed = failed?.status === 'True';
    const backoff = isFailed && failed.reason === 'BackoffLimitExceeded';
    const pointer = [fieldPointer('Job', j, 'status.conditions')];
    return [
      signal(
        'k8s.job.failed',
        s,
        isFailed ? 1 : 0,
        isFailed
          ? `${s} failed after ${j.failed} failed pods: ${said(failed)}`
          : `${s} has not failed (${j.succeeded} succeeded, ${j.active} active)`,
        pointer,
        { onset: isFailed ? transition(failed) : undefined },
      ),
      signal(
        'k8s.job.backoff-limit-exceeded',
        s,
        backoff ? 1 : 0,
        backoff
          ? `${s} gave up after ${j.failed} failed pods, its backoffLimit ${j.backoffLimit ?? 6}`
          : `${s} did not reach its backoff limit`,
        pointer,
        { onset: backoff ? transition(failed) : undefined },
      ),
      ...JOB_PURPOSES.map(([purpose, words]) => {
        const says = words.test(`${j.name} ${j.runs ?? ''}`);
        const on = isFailed && says;
        return signal(
          `k8s.job.failed.${purpose}`,
          s,
          on ? 1 : 0,
          on
            ? `${s}, a ${purpose} job by its name or command (${excerpt(j.runs ?? j.name)}), failed: ${said(failed)}`
            : `${s} is not a failed ${purpose} job`,
          pointer,
          { onset: on ? transition(failed) : undefined },
        );
      }),
    ];
  });
}

/**
 * What a job does, told by the words of its name, images and commands: the tools and verbs of
 * schema migrations and of backups. A failed job of either kind is a failure scenario of its own.
 */
const JOB_PURPOSES: ReadonlyArray<[string, RegExp]> = [
  ['migration', /migrat|flyway|liquibase|alembic|db:migrate|prisma migrate|knex migrate|goose|atlas schema/i],
  ['backup', /backup|pg_dump|pg_basebackup|mysqldump|mongodump|velero|restic|barman|wal-g|pgbackrest/i],
];

export function quotaSignals(cluster: Cluster): Signal[] {
  const namespaces = new Set<string>();
  for (const list of [
    cluster.pods,
    cluster.deployments,
    cluster.services,
    cluster.jobs,
    cluster.persistentVolumeClaims,
  ])
    for (const o of list) if (o.namespace) namespaces.add(o.namespace);
  const refusedIn = new Map<string, KubeEvent[]>();
  for (const e of cluster.events) {
    if (!e.object.namespace) continue;
    namespaces.add(e.object.namespace);
    if (e.reason !== 'FailedCreate' || !/exceeded quota/i.test(e.message ?? '')) continue;
    const list = refusedIn.get(e.object.namespace);
    if (list) list.push(e);
    else refusedIn.set(e.object.namespace, [e]);
  }
  return [...namespaces].sort().map((namespace) => {
    const refused = refusedIn.get(namespace) ?? [];
    const n = occurrences(refused);
    return signal(
      'k8s.namespace.quota-rejections',
      `Namespace/${namespace}`,
      n,
      n === 0
        ? `no creation in namespace ${namespace} was refused by a quota`
        : `${n} creations in namespace ${namespace} were refused by a ResourceQuota: ${excerpt(refused[0]?.message)}`,
      refused.slice(0, 3).map(eventPointer),
      { onset: firstTime(refused) },
    );
  });
}

/** StatefulSets and DaemonSets: replicas not ready, and rollouts under way while some are not. */
export function workloadSignals(cluster: Cluster): Signal[] {
  return cluster.workloads.flatMap((w) => {
    const s = subjectOf(w.kind, w.namespace, w.name);
    const unavailable = Math.max(0, w.desired - w.ready);
    const stuck = w.updating && unavailable > 0;
    const pointer = [fieldPointer(w.kind, w, 'status')];
    return [
      signal(
        'k8s.workload.unavailable-replicas',
        s,
        unavailable,
        `${s}: ${w.ready} of ${w.desired} pods ready`,
        pointer,
      ),
      signal(
        'k8s.workload.rollout-stuck',
        s,
        stuck ? 1 : 0,
        stuck
          ? `${s} is rolling out a new revision (${w.updated} of ${w.desired} pods updated) while ${unavailable} pods are not ready`
          : `${s} has no rollout held up by unready pods`,
        pointer,
      ),
    ];
  });
}

/** Event reasons the CronJob controller gives when a scheduled run did not start. */
const MISSED = /^(?:MissedSchedule|FailedNeedsStart|TooManyMissedTimes)$/;

export function cronJobSignals(cluster: Cluster): Signal[] {
  return cluster.cronJobs.flatMap((cron) => {
    const s = subjectOf('CronJob', cron.namespace, cron.name);
    const missed = cluster
      .eventsOf('CronJob', cron.namespace, cron.name)
      .filter((e) => MISSED.test(e.reason ?? '') || /missed (?:scheduled|start) time/i.test(e.message ?? ''));
    const n = occurrences(missed);
    const backup = JOB_PURPOSES.find(([purpose]) => purpose === 'backup')?.[1].test(
      `${cron.name} ${cron.runs ?? ''}`,
    );
    const missedSignal = signal(
      'k8s.cronjob.missed-schedules',
      s,
      n,
      n > 0
        ? `${s} (schedule "${cron.schedule}") missed ${n} scheduled runs: ${excerpt(missed[0]?.message)}`
        : `${s} missed no scheduled run${cron.suspend ? ' (suspended)' : ''}`,
      missed.length > 0 ? missed.slice(0, 3).map(eventPointer) : [fieldPointer('CronJob', cron, 'status')],
      { onset: firstTime(missed) },
    );
    return [
      missedSignal,
      { ...missedSignal, name: 'k8s.cronjob.backup-missed-schedules', value: backup ? n : 0 },
    ];
  });
}
