import type { SourcePointer } from '../../core/source-pointer.js';
import type { ContainerStatus, KubeEvent, KubePod } from '../../gather/kubernetes/data.js';
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
import {
  EVICTION_RESOURCES,
  type EvictionResource,
  IMAGE_PULL_CAUSES,
  type ImagePullCause,
  type SchedulingCause,
} from './definitions.js';

// Signals about pods: what the kubelet and the scheduler say in container states, pod conditions
// and events. Each names the failure behind the symptom (OOMKilled behind a restart, the registry's
// answer behind ImagePullBackOff, the scheduler's reason behind Pending).

const IMAGE_PULL_WAITING = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
]);

export function podSignals(cluster: Cluster): Signal[] {
  return cluster.pods.flatMap((pod) => {
    const events = cluster.eventsOf('Pod', pod.namespace, pod.name);
    return [
      ...containerSignals(pod, events),
      ...imagePullSignals(pod, events),
      ...schedulingSignals(pod, events),
      ...probeSignals(pod, events),
      ...evictionSignals(pod),
      ...mountSignals(pod, events),
      ...configSignals(pod, events),
      ...initSignals(pod),
    ];
  });
}

function subject(pod: KubePod): string {
  return subjectOf('Pod', pod.namespace, pod.name);
}

function statusField(container: ContainerStatus, rest: string): string {
  return `status.${container.init ? 'initContainerStatuses' : 'containerStatuses'}[${container.index}].${rest}`;
}

function containerSignals(pod: KubePod, events: readonly KubeEvent[]): Signal[] {
  const s = subject(pod);
  // The status keeps only the last termination; the kubelet's first BackOff tells when restarting began.
  const backOff = events.filter(
    (e) => e.reason === 'BackOff' && /restarting failed container/i.test(e.message ?? ''),
  );
  const restartingSince = firstTime(backOff);
  const oom = pod.containers.flatMap((c) => {
    const current = c.terminated?.reason === 'OOMKilled' ? c.terminated : undefined;
    const last = c.lastTerminated?.reason === 'OOMKilled' ? c.lastTerminated : undefined;
    const which = current ?? last;
    if (!which) return [];
    const field = statusField(c, current ? 'state.terminated.reason' : 'lastState.terminated.reason');
    return [{ container: c, termination: which, field }];
  });
  const crashLooping = pod.containers.filter((c) => c.waiting?.reason === 'CrashLoopBackOff');
  const mostRestarted = [...pod.containers].sort((a, b) => b.restartCount - a.restartCount)[0];
  const signals: Signal[] = [
    signal(
      'k8s.pod.oom-kills',
      s,
      oom.length,
      oom.length === 0
        ? `no container of ${s} was OOMKilled`
        : oom
            .map(
              (o) =>
                `container ${o.container.name} of ${s} was OOMKilled (exit code ${o.termination.exitCode}${o.termination.finishedAt ? ` at ${o.termination.finishedAt}` : ''}) after ${o.container.restartCount} restarts${o.container.waiting?.reason ? `, now ${o.container.waiting.reason}` : ''}`,
            )
            .join('; '),
      oom.map((o) => fieldPointer('Pod', pod, o.field)),
      { onset: oom.length > 0 ? restartingSince : undefined },
    ),
    signal(
      'k8s.pod.crash-loop',
      s,
      crashLooping.length,
      crashLooping.length === 0
        ? `no container of ${s} is in CrashLoopBackOff`
        : crashLooping
            .map(
              (c) =>
                `container ${c.name} of ${s} is in CrashLoopBackOff after ${c.restartCount} restarts${describeLast(c)}`,
            )
            .join('; '),
      crashLooping.map((c) => fieldPointer('Pod', pod, statusField(c, 'state.waiting.reason'))),
      { onset: crashLooping.length > 0 ? restartingSince : undefined },
    ),
    signal(
      'k8s.pod.restarts',
      s,
      mostRestarted?.restartCount ?? 0,
      mostRestarted
        ? `container ${mostRestarted.name} of ${s} restarted ${mostRestarted.restartCount} times${describeLast(mostRestarted)}`
        : `${s} has no container statuses`,
      mostRestarted
        ? [fieldPointer('Pod', pod, statusField(mostRestarted, 'restartCount'))]
        : [fieldPointer('Pod', pod)],
    ),
  ];
  const last = mostRestarted?.lastTerminated ?? mostRestarted?.terminated;
  if (mostRestarted && last && mostRestarted.restartCount > 0) {
    const field = mostRestarted.lastTerminated
      ? 'lastState.terminated.exitCode'
      : 'state.terminated.exitCode';
    signals.push(
      signal(
        'k8s.pod.last-exit-code',
        s,
        last.exitCode,
        `the last run of container ${mostRestarted.name} of ${s} ended with exit code ${last.exitCode}${last.reason ? ` (${last.reason})` : ''}`,
        [fieldPointer('Pod', pod, statusField(mostRestarted, field))],
      ),
    );
  }
  return signals;
}

function describeLast(c: ContainerStatus): string {
  const last = c.lastTerminated;
  if (!last) return '';
  return `; last termination: reason ${last.reason ?? 'unknown'}, exit code ${last.exitCode}${last.message ? ` (${excerpt(last.message, 120)})` : ''}`;
}

/**
 * The cause of an image pull failure from the runtime's message. Checked in this order because
 * messages carry several words: a 429 answer also says "failed to authorize" on some registries,
 * and a TLS or DNS failure happens before any answer about the image.
 */
export function imagePullCause(message: string): ImagePullCause {
  if (/\b429\b|toomanyrequests|too many requests|pull rate limit/i.test(message)) return 'rate-limited';
  if (/x509:|certificate signed by unknown authority|tls: failed to verify/i.test(message)) return 'tls';
  if (/no such host|server misbehaving|temporary failure in name resolution/i.test(message)) return 'dns';
  if (
    /\b401\b|\b403\b|unauthorized|pull access denied|authorization failed|authentication required|no basic auth credentials|forbidden/i.test(
      message,
    )
  )
    return 'unauthorized';
  if (/not found|manifest unknown|name unknown/i.test(message)) return 'not-found';
  return 'other';
}

function imagePullSignals(pod: KubePod, events: readonly KubeEvent[]): Signal[] {
  const s = subject(pod);
  const failing = pod.containers.filter((c) => c.waiting?.reason && IMAGE_PULL_WAITING.has(c.waiting.reason));
  const signals: Signal[] = [
    signal(
      'k8s.pod.image-pull-failures',
      s,
      failing.length,
      failing.length === 0
        ? `no container of ${s} is waiting on its image`
        : failing
            .map(
              (c) =>
                `container ${c.name} of ${s} is waiting in ${c.waiting?.reason} for image ${c.image ?? 'unknown'}`,
            )
            .join('; '),
      failing.map((c) => fieldPointer('Pod', pod, statusField(c, 'state.waiting.reason'))),
    ),
  ];
  const pullFailed = events.filter(
    (e) =>
      e.reason === 'Failed' && /failed to pull image|error: image .{0,200}not found/i.test(e.message ?? ''),
  );
  const byCause = new Map<
    ImagePullCause,
    { containers: Set<string>; evidence: SourcePointer[]; message: string; events: KubeEvent[] }
  >();
  for (const c of failing) {
    // The kubelet's Failed event has the registry's answer; the waiting message often only says "Back-off pulling image".
    // Newest first: a pull that first hit a network blip and now gets 401 fails because of the 401.
    const own = pullFailed
      .filter((e) => !e.object.fieldPath || e.object.fieldPath.includes(`{${c.name}}`))
      .sort((a, b) => (Date.parse(b.lastTime ?? '') || 0) - (Date.parse(a.lastTime ?? '') || 0));
    const messages = [...own.map((e) => e.message ?? ''), c.waiting?.message ?? ''].filter(
      (m) => m && !/^back-off pulling image/i.test(m),
    );
    const message = messages[0] ?? c.waiting?.message ?? c.waiting?.reason ?? '';
    const cause = c.waiting?.reason === 'InvalidImageName' ? 'other' : imagePullCause(message);
    const entry = byCause.get(cause) ?? { containers: new Set<string>(), evidence: [], message, events: [] };
    entry.containers.add(c.name);
    entry.events.push(...own);
    entry.evidence.push(
      fieldPointer('Pod', pod, statusField(c, 'state.waiting')),
      ...own.slice(0, 1).map(eventPointer),
    );
    byCause.set(cause, entry);
  }
  for (const [cause, entry] of [...byCause].sort(([a], [b]) => (a < b ? -1 : 1))) {
    signals.push(
      signal(
        `k8s.pod.image-pull.${cause}`,
        s,
        entry.containers.size,
        `the image pull of ${s} (container ${[...entry.containers].join(', ')}) fails because ${IMAGE_PULL_CAUSES[cause]}: ${excerpt(entry.message)}`,
        entry.evidence,
        { onset: firstTime(entry.events) },
      ),
    );
  }
  return signals;
}

/**
 * Nodes the scheduler rejected per cause, from a FailedScheduling message such as "0/5 nodes are
 * available: 2 Insufficient memory, 3 node(s) had untolerated taint {...}. preemption: ...". The
 * preemption part repeats the counts for a different question and is left out.
 */
export function schedulingCauses(message: string): Partial<Record<SchedulingCause, number>> {
  const main = message.split(/\.\s+preemption:/i)[0] ?? message;
  const causes: Partial<Record<SchedulingCause, number>> = {};
  const add = (cause: SchedulingCause, n: number) => {
    causes[cause] = (causes[cause] ?? 0) + n;
  };
  for (const m of main.matchAll(/(\d+) Insufficient ([A-Za-z0-9./_-]+)/g)) {
    const resource = (m[2] as string).toLowerCase();
    add(
      resource === 'cpu'
        ? 'insufficient-cpu'
        : resource === 'memory'
          ? 'insufficient-memory'
          : 'insufficient-other',
      Number(m[1]),
    );
  }
  for (const m of main.matchAll(/(\d+) node\(s\) had (?:untolerated )?taint/g)) add('taint', Number(m[1]));
  // A cordoned node carries the node.kubernetes.io/unschedulable taint; the scheduler names it apart.
  for (const m of main.matchAll(/(\d+) node\(s\) were unschedulable/g)) add('taint', Number(m[1]));
  for (const m of main.matchAll(/(\d+) Too many pods/g)) add('insufficient-other', Number(m[1]));
  for (const m of main.matchAll(/(\d+) node\(s\) didn't match (?:Pod's )?node (?:affinity|selector)/g))
    add('affinity', Number(m[1]));
  if (/unbound immediate PersistentVolumeClaims|persistentvolumeclaim "[^"]{1,253}" not found/i.test(main))
    add('unbound-pvc', 1);
  return causes;
}

function schedulingSignals(pod: KubePod, events: readonly KubeEvent[]): Signal[] {
  const s = subject(pod);
  const scheduled = pod.conditions.find((c) => c.type === 'PodScheduled');
  const failed = events.filter((e) => e.reason === 'FailedScheduling');
  const unscheduled =
    pod.phase === 'Pending' &&
    !pod.nodeName &&
    ((scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') ||
      (!scheduled && failed.length > 0));
  if (!unscheduled)
    return [
      signal(
        'k8s.pod.unschedulable',
        s,
        0,
        failed.length > 0
          ? `${s} had ${occurrences(failed)} failed scheduling attempts but is scheduled now`
          : `${s} is not waiting for a node`,
        [fieldPointer('Pod', pod, scheduled ? 'status.conditions' : undefined)],
      ),
    ];
  const latest = [...failed].sort((a, b) => Date.parse(b.lastTime ?? '') - Date.parse(a.lastTime ?? ''))[0];
  const message = scheduled?.message ?? latest?.message ?? '';
  const sources = [fieldPointer('Pod', pod, 'status.conditions'), ...(latest ? [eventPointer(latest)] : [])];
  const signals = [
    signal(
      'k8s.pod.unschedulable',
      s,
      Math.max(1, occurrences(failed)),
      `${s} is Pending: no node fits it${failed.length > 0 ? ` (${occurrences(failed)} failed scheduling attempts)` : ''}: ${excerpt(message)}`,
      sources,
      { onset: firstTime(failed) },
    ),
  ];
  for (const [cause, nodes] of Object.entries(schedulingCauses(message)) as Array<
    [SchedulingCause, number]
  >) {
    signals.push(
      signal(
        `k8s.pod.unschedulable.${cause}`,
        s,
        nodes,
        cause === 'unbound-pvc'
          ? `${s} cannot be scheduled because a PersistentVolumeClaim it uses is not bound`
          : `the scheduler rejected ${nodes} node(s) for ${s} because of ${cause.replace('-', ' ')}: ${excerpt(message)}`,
        sources,
        { onset: firstTime(failed) },
      ),
    );
  }
  return signals;
}

const PROBE_FAILED = /^(Liveness|Readiness|Startup) probe (?:failed|errored)/;
const PROBE_KILL = /failed (?:liveness|startup) probe, will be restarted/i;

function probeSignals(pod: KubePod, events: readonly KubeEvent[]): Signal[] {
  const s = subject(pod);
  const signals: Signal[] = [];
  for (const probe of ['Liveness', 'Readiness', 'Startup'] as const) {
    const failed = events.filter(
      (e) => e.reason === 'Unhealthy' && PROBE_FAILED.exec(e.message ?? '')?.[1] === probe,
    );
    const n = occurrences(failed);
    signals.push(
      signal(
        `k8s.pod.probe-failures.${probe.toLowerCase()}`,
        s,
        n,
        n === 0
          ? `no ${probe.toLowerCase()} probe of ${s} failed`
          : `the ${probe.toLowerCase()} probe of ${s} failed ${n} times: ${excerpt(failed[0]?.message)}`,
        failed.slice(0, 3).map(eventPointer),
        { onset: firstTime(failed) },
      ),
    );
  }
  const kills = events.filter((e) => e.reason === 'Killing' && PROBE_KILL.test(e.message ?? ''));
  const restarts = occurrences(kills);
  signals.push(
    signal(
      'k8s.pod.probe-restarts',
      s,
      restarts,
      restarts === 0
        ? `the kubelet restarted no container of ${s} for a failed probe`
        : `the kubelet restarted containers of ${s} ${restarts} times for a failed probe: ${excerpt(kills[0]?.message)}`,
      kills.slice(0, 3).map(eventPointer),
      { onset: firstTime(kills) },
    ),
  );
  if (restarts > 0) {
    const ratio = startupKillRatio(pod);
    if (ratio) signals.push(ratio);
  }
  return signals;
}

/**
 * How long the last killed run of a container with a liveness probe lasted, divided by the earliest
 * time the probe can kill it: initialDelaySeconds + periodSeconds × failureThreshold (the first
 * probe at the delay, then failureThreshold failures one period apart; the bound is one period
 * generous). A run that ends near this bound never passed its probe: the probe kills the
 * container while it is still starting.
 */
function startupKillRatio(pod: KubePod): Signal | undefined {
  const candidates = pod.containers
    .filter((c) => pod.livenessProbes[c.name] && c.lastTerminated?.startedAt && c.lastTerminated.finishedAt)
    .sort((a, b) => b.restartCount - a.restartCount);
  const c = candidates[0];
  if (!c) return undefined;
  const probe = pod.livenessProbes[c.name] as KubePod['livenessProbes'][string];
  const last = c.lastTerminated as NonNullable<ContainerStatus['lastTerminated']>;
  const ran = (Date.parse(last.finishedAt as string) - Date.parse(last.startedAt as string)) / 1000;
  const earliest = probe.initialDelaySeconds + probe.periodSeconds * probe.failureThreshold;
  if (!Number.isFinite(ran) || ran < 0 || earliest <= 0) return undefined;
  const ratio = Math.round((ran / earliest) * 100) / 100;
  return signal(
    'k8s.pod.liveness.startup-kill-ratio',
    subject(pod),
    ratio,
    `the last run of container ${c.name} of ${subject(pod)} lasted ${ran} s; its liveness probe (initialDelaySeconds ${probe.initialDelaySeconds}, periodSeconds ${probe.periodSeconds}, failureThreshold ${probe.failureThreshold}) can kill it after ${earliest} s`,
    [fieldPointer('Pod', pod, statusField(c, 'lastState.terminated'))],
  );
}

export function evictionResource(message: string): EvictionResource | undefined {
  if (/ephemeral-storage|ephemeral local storage|EmptyDir volume/i.test(message)) return 'ephemeral-storage';
  if (/resource: memory|MemoryPressure/i.test(message)) return 'memory';
  if (/DiskPressure|nodefs|imagefs/i.test(message)) return 'disk';
  if (/PIDPressure|resource: pids/i.test(message)) return 'pid';
  return undefined;
}

function evictionSignals(pod: KubePod): Signal[] {
  const s = subject(pod);
  const evicted = pod.reason === 'Evicted';
  const signals = [
    signal(
      'k8s.pod.evicted',
      s,
      evicted ? 1 : 0,
      evicted ? `${s} was evicted: ${excerpt(pod.message)}` : `${s} was not evicted`,
      [fieldPointer('Pod', pod, 'status.reason')],
    ),
  ];
  const resource = evicted ? evictionResource(pod.message ?? '') : undefined;
  // Every resource for every pod, so that a pod evicted for another resource is judged, not skipped.
  for (const r of Object.keys(EVICTION_RESOURCES) as EvictionResource[])
    signals.push(
      signal(
        `k8s.pod.evicted.${r}`,
        s,
        resource === r ? 1 : 0,
        resource === r
          ? `${s} was evicted for ${EVICTION_RESOURCES[r]}: ${excerpt(pod.message)}`
          : `${s} was not evicted for ${EVICTION_RESOURCES[r]}`,
        [fieldPointer('Pod', pod, evicted ? 'status.message' : 'status')],
      ),
    );
  return signals;
}

function mountSignals(pod: KubePod, events: readonly KubeEvent[]): Signal[] {
  const s = subject(pod);
  const allRunning = pod.containers.length > 0 && pod.containers.every((c) => c.running || c.init);
  const failures = allRunning
    ? []
    : events.filter((e) => e.reason === 'FailedMount' || e.reason === 'FailedAttachVolume');
  const n = occurrences(failures);
  return [
    signal(
      'k8s.pod.mount-failures',
      s,
      n,
      n === 0
        ? `no volume of ${s} is failing to mount`
        : `volumes of ${s} failed to attach or mount ${n} times: ${excerpt(failures[0]?.message)}`,
      failures.slice(0, 3).map(eventPointer),
      { onset: firstTime(failures) },
    ),
  ];
}

/** The kubelet's words for an environment reference to a ConfigMap, Secret or key that does not exist. */
const MISSING_REF =
  /(?:configmap|secret) "[^"]{1,253}" not found|couldn't find key \S{1,253} in (?:ConfigMap|Secret)/i;

function configSignals(pod: KubePod, events: readonly KubeEvent[]): Signal[] {
  const s = subject(pod);
  const failed = events.filter((e) => e.reason === 'Failed' && MISSING_REF.test(e.message ?? ''));
  const missing = pod.containers.flatMap((c) => {
    if (c.waiting?.reason !== 'CreateContainerConfigError') return [];
    const own = failed.filter((e) => !e.object.fieldPath || e.object.fieldPath.includes(`{${c.name}}`));
    const message = [c.waiting.message ?? '', ...own.map((e) => e.message ?? '')].find((m) =>
      MISSING_REF.test(m),
    );
    return message ? [{ container: c, message, events: own }] : [];
  });
  return [
    signal(
      'k8s.pod.missing-config-refs',
      s,
      missing.length,
      missing.length === 0
        ? `no container of ${s} refers to a missing ConfigMap, Secret or key`
        : missing
            .map((m) => `container ${m.container.name} of ${s} cannot be created: ${excerpt(m.message)}`)
            .join('; '),
      missing.flatMap((m) => [
        fieldPointer('Pod', pod, statusField(m.container, 'state.waiting.message')),
        ...m.events.slice(0, 1).map(eventPointer),
      ]),
      { onset: firstTime(missing.flatMap((m) => m.events)) },
    ),
  ];
}

/** An init container's command that waits for another service to answer before the pod starts. */
const WAITS_FOR_DEPENDENCY =
  /wait-for|waitforit|dockerize -wait|nc -z|\bnslookup\b|\bpg_isready\b|mysqladmin ping|redis-cli ping|\buntil\b|check-db/i;

/** Init containers that have not completed: crashing, waiting, failed or still running. */
function initSignals(pod: KubePod): Signal[] {
  const s = subject(pod);
  const blocked =
    pod.phase === 'Pending' || pod.phase === undefined
      ? pod.containers.filter(
          (c) =>
            c.init &&
            !(c.terminated && c.terminated.exitCode === 0) &&
            (c.waiting || c.running || c.terminated),
        )
      : [];
  const waiting = blocked.filter((c) => WAITS_FOR_DEPENDENCY.test(pod.initRuns[c.name] ?? ''));
  const state = (c: ContainerStatus): string =>
    c.waiting
      ? `waiting (${c.waiting.reason ?? 'no reason'}), restarted ${c.restartCount} times`
      : c.running
        ? `running since ${c.running.startedAt ?? 'an unknown time'}`
        : `terminated with exit code ${c.terminated?.exitCode}`;
  const describe = (list: ContainerStatus[], what: string): string =>
    list.map((c) => `init container ${c.name} of ${s} is ${state(c)}${what}`).join('; ');
  const pointers = (list: ContainerStatus[]) =>
    list.map((c) => fieldPointer('Pod', pod, statusField(c, 'state')));
  return [
    signal(
      'k8s.pod.init-blocked',
      s,
      blocked.length,
      blocked.length === 0 ? `no init container of ${s} is stuck` : describe(blocked, ''),
      pointers(blocked),
    ),
    signal(
      'k8s.pod.init-waiting-for-dependency',
      s,
      waiting.length,
      waiting.length === 0
        ? `no stuck init container of ${s} waits for another service`
        : describe(waiting, `; it runs: ${excerpt(pod.initRuns[waiting[0]?.name ?? ''])}`),
      pointers(waiting),
    ),
  ];
}
