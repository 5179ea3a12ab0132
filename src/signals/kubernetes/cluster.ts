import type { SourcePointer } from '../../core/source-pointer.js';
import type { KubeEvent, KubernetesData } from '../../gather/kubernetes/data.js';
import type { Signal } from '../signal.js';
import { KUBERNETES_SIGNALS } from './definitions.js';

// One view of every Kubernetes dump of a run: objects from several files (pods in one, events in
// another) are judged together, each object once, with the events about it at hand.

type Located = { namespace?: string | undefined; name: string; at: { file: string; path: string } };

export interface Cluster {
  pods: KubernetesData['pods'];
  deployments: KubernetesData['deployments'];
  services: KubernetesData['services'];
  endpoints: KubernetesData['endpoints'];
  nodes: KubernetesData['nodes'];
  persistentVolumeClaims: KubernetesData['persistentVolumeClaims'];
  horizontalPodAutoscalers: KubernetesData['horizontalPodAutoscalers'];
  jobs: KubernetesData['jobs'];
  events: KubeEvent[];
  progressiveRollouts: KubernetesData['progressiveRollouts'];
  workloads: KubernetesData['workloads'];
  cronJobs: KubernetesData['cronJobs'];
  ingresses: KubernetesData['ingresses'];
  secrets: KubernetesData['secrets'];
  disruptionBudgets: KubernetesData['disruptionBudgets'];
  networkPolicies: KubernetesData['networkPolicies'];
  /** Events about one object, by kind, namespace and name. */
  eventsOf(kind: string, namespace: string | undefined, name: string): KubeEvent[];
}

export function clusterOf(dumps: readonly KubernetesData[]): Cluster {
  const once = <T extends Located>(lists: T[][], kind: string): T[] => {
    const seen = new Map<string, T>();
    for (const item of lists.flat()) {
      const key = subjectOf(kind, item.namespace, item.name);
      // The same object in two dumps: the first one given is kept, so the choice is reproducible.
      if (!seen.has(key)) seen.set(key, item);
    }
    return [...seen.values()];
  };
  const events = new Map<string, KubeEvent>();
  for (const event of dumps.flatMap((d) => d.events)) {
    const o = event.object;
    const key = [o.kind, o.namespace, o.name, o.fieldPath, event.reason, event.message, event.firstTime].join(
      '|',
    );
    const previous = events.get(key);
    // One event in two dumps taken at different times: the later one has the higher count.
    if (!previous || event.count > previous.count) events.set(key, event);
  }
  const byObject = new Map<string, KubeEvent[]>();
  for (const event of events.values()) {
    const key = subjectOf(event.object.kind, event.object.namespace, event.object.name);
    const list = byObject.get(key);
    if (list) list.push(event);
    else byObject.set(key, [event]);
  }
  return {
    pods: once(
      dumps.map((d) => d.pods),
      'Pod',
    ),
    deployments: once(
      dumps.map((d) => d.deployments),
      'Deployment',
    ),
    services: once(
      dumps.map((d) => d.services),
      'Service',
    ),
    endpoints: dumps.flatMap((d) => d.endpoints),
    nodes: once(
      dumps.map((d) => d.nodes),
      'Node',
    ),
    persistentVolumeClaims: once(
      dumps.map((d) => d.persistentVolumeClaims),
      'PersistentVolumeClaim',
    ),
    horizontalPodAutoscalers: once(
      dumps.map((d) => d.horizontalPodAutoscalers),
      'HorizontalPodAutoscaler',
    ),
    jobs: once(
      dumps.map((d) => d.jobs),
      'Job',
    ),
    events: [...events.values()],
    // A Rollout and a Canary may share a name: each kind is kept apart.
    progressiveRollouts: [
      ...once(
        dumps.map((d) => d.progressiveRollouts.filter((r) => r.kind === 'Rollout')),
        'Rollout',
      ),
      ...once(
        dumps.map((d) => d.progressiveRollouts.filter((r) => r.kind === 'Canary')),
        'Canary',
      ),
    ],
    workloads: [
      ...once(
        dumps.map((d) => d.workloads.filter((w) => w.kind === 'StatefulSet')),
        'StatefulSet',
      ),
      ...once(
        dumps.map((d) => d.workloads.filter((w) => w.kind === 'DaemonSet')),
        'DaemonSet',
      ),
    ],
    cronJobs: once(
      dumps.map((d) => d.cronJobs),
      'CronJob',
    ),
    ingresses: once(
      dumps.map((d) => d.ingresses),
      'Ingress',
    ),
    secrets: once(
      dumps.map((d) => d.secrets),
      'Secret',
    ),
    disruptionBudgets: once(
      dumps.map((d) => d.disruptionBudgets),
      'PodDisruptionBudget',
    ),
    networkPolicies: once(
      dumps.map((d) => d.networkPolicies),
      'NetworkPolicy',
    ),
    eventsOf: (kind, namespace, name) => byObject.get(subjectOf(kind, namespace, name)) ?? [],
  };
}

/** The subject of a signal about an object: Kind/namespace/name, or Kind/name when cluster-scoped. */
export function subjectOf(kind: string, namespace: string | undefined, name: string): string {
  return namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`;
}

/** Where a field of an object is: the object, and the file and JSON path of the field. */
export function fieldPointer(kind: string, object: Located, field?: string): SourcePointer {
  const path = [object.at.path, field].filter((p) => p !== undefined && p !== '').join('.');
  return {
    type: 'object',
    kind,
    ...(object.namespace ? { namespace: object.namespace } : {}),
    name: object.name,
    path: path ? `${object.at.file}#${path}` : object.at.file,
  };
}

/** Where an event is: the object it is about, and the event's place in its file. */
export function eventPointer(event: KubeEvent): SourcePointer {
  return {
    type: 'object',
    kind: event.object.kind,
    ...(event.object.namespace ? { namespace: event.object.namespace } : {}),
    name: event.object.name,
    path: `${event.at.file}#${event.at.path || 'event'} (event ${event.reason ?? 'without reason'})`,
  };
}

export function occurrences(events: readonly KubeEvent[]): number {
  return events.reduce((sum, e) => sum + e.count, 0);
}

/** The earliest time among events, as the ISO time Kubernetes wrote. */
export function firstTime(events: readonly KubeEvent[]): string | undefined {
  const times = events.flatMap((e) =>
    (e.firstTime ?? e.lastTime) ? [(e.firstTime ?? e.lastTime) as string] : [],
  );
  const valid = times
    .filter((t) => !Number.isNaN(Date.parse(t)))
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  const first = valid[0];
  return first ? new Date(Date.parse(first)).toISOString() : undefined;
}

/** A message shortened for an explanation sentence. */
export function excerpt(message: string | undefined, max = 200): string {
  if (!message) return '';
  const flat = message.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const UNITS = new Map(KUBERNETES_SIGNALS.map((d) => [d.name, d.unit]));

export function signal(
  name: string,
  subject: string,
  value: number,
  explanation: string,
  sources: SourcePointer[],
  options: { onset?: string | undefined } = {},
): Signal {
  const unit = UNITS.get(name);
  return {
    name,
    subject,
    value,
    ...(unit ? { unit } : {}),
    ...(options.onset ? { onset: options.onset } : {}),
    explanation,
    sources,
  };
}
