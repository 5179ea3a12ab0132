import { maskSecrets } from '../../core/mask.js';
import type { SourcePointer } from '../../core/source-pointer.js';
import { GatherError } from '../gatherer.js';
import { type InputFile, openInput } from '../load-test/input.js';
import type {
  ContainerStatus,
  KubeCondition,
  KubeEvent,
  KubePod,
  KubeProgressiveRollout,
  KubernetesData,
} from './data.js';
import { jsonErrorOffset } from './json-position.js';

// Reads what `kubectl get ... -o json` prints: a List of objects (kind List, or a typed list such
// as PodList straight from the API), or one object; events in the core/v1 shape
// (`kubectl get events -o json`) or the events.k8s.io/v1 shape. Gzip is read transparently. Only
// the status fields that name a failure are kept. A damaged dump is a coded error naming the file,
// the JSON path and what was expected; objects of kinds Faultline does not judge are counted.

/** kubectl dumps are parsed whole; a cluster dump beyond this belongs in a narrower `kubectl get`. */
export const MAX_DUMP_BYTES = 256 * 1024 * 1024;
/** Messages are kept up to this length: enough for a scheduler or image-pull message, not a log. */
const MAX_MESSAGE_CHARS = 1000;

type Json = Record<string, unknown>;

export async function readKubernetesFile(source: SourcePointer): Promise<KubernetesData> {
  if (source.type !== 'file')
    throw new GatherError('unsupported-format', 'kubectl dumps are read from a path');
  const path = source.path;
  const content = await readText(await openInput(path));
  return readKubernetesJson(path, content);
}

/** Parses the text of one dump; `path` names it in errors and evidence pointers. */
export function readKubernetesJson(path: string, content: string): KubernetesData {
  let root: unknown;
  try {
    root = JSON.parse(content);
  } catch {
    throw new GatherError(
      'parse-error',
      `${path}: ${jsonErrorAt(content)}; expected the JSON that kubectl get -o json prints`,
    );
  }
  const data: KubernetesData = {
    objects: 0,
    pods: [],
    deployments: [],
    services: [],
    endpoints: [],
    nodes: [],
    persistentVolumeClaims: [],
    horizontalPodAutoscalers: [],
    jobs: [],
    events: [],
    progressiveRollouts: [],
    workloads: [],
    cronJobs: [],
    ingresses: [],
    secrets: [],
    disruptionBudgets: [],
    networkPolicies: [],
    otherKinds: {},
    notes: [],
  };
  if (
    !isObject(root) ||
    typeof root.kind !== 'string' ||
    (!Array.isArray(root.items) && !isObject(root.metadata))
  ) {
    throw new GatherError(
      'unsupported-format',
      `${path}: not a Kubernetes object or list; expected {"apiVersion":"v1","kind":"List","items":[...]} or one object with kind and metadata, as kubectl get -o json prints`,
    );
  }
  const reader = new Reader(path, data);
  if (Array.isArray(root.items)) {
    // A typed list from the API (PodList) leaves kind out of its items; kubectl fills it in.
    const itemKind = root.kind.endsWith('List') && root.kind !== 'List' ? root.kind.slice(0, -4) : undefined;
    for (const [index, item] of root.items.entries()) reader.object(item, `items[${index}]`, itemKind);
  } else reader.object(root, '', undefined);
  if (data.objects === 0)
    data.notes.push(`${path}: no objects (kubectl found none, or the selection was empty)`);
  const other = Object.entries(data.otherKinds);
  if (other.length > 0)
    data.notes.push(
      `${path}: ${other.reduce((sum, [, n]) => sum + n, 0)} objects of kinds not judged: ${other
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', ')}`,
    );
  return data;
}

class Reader {
  constructor(
    readonly file: string,
    readonly data: KubernetesData,
  ) {}

  object(value: unknown, path: string, impliedKind: string | undefined): void {
    const where = path === '' ? 'the object' : path;
    if (!isObject(value)) throw this.bad(`${where} is not an object; expected a Kubernetes object`);
    const kind = typeof value.kind === 'string' ? value.kind : impliedKind;
    if (!kind)
      throw this.bad(`${where} has no kind; expected a Kubernetes object such as {"kind":"Pod",...}`);
    if (kind === 'List' && Array.isArray(value.items)) {
      for (const [index, item] of value.items.entries())
        this.object(item, `${path}.items[${index}]`, undefined);
      return;
    }
    const metadata = this.field(value, 'metadata', path, 'object') as Json;
    const name = this.field(metadata, 'name', `${this.join(path, 'metadata')}`, 'string') as string;
    const namespace = optionalString(metadata.namespace);
    const base = { ...(namespace ? { namespace } : {}), name, at: { file: this.file, path } };
    this.data.objects++;
    const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
    switch (kind) {
      case 'Pod':
        this.data.pods.push(this.pod(value, metadata, base, path));
        return;
      case 'Deployment': {
        const status = objectOr(value.status);
        const spec = objectOr(value.spec);
        const replicas = this.count(spec, 'replicas', path, 1);
        this.data.deployments.push({
          ...base,
          replicas,
          readyReplicas: this.count(status, 'readyReplicas', path),
          availableReplicas: this.count(status, 'availableReplicas', path),
          unavailableReplicas: this.count(status, 'unavailableReplicas', path),
          updatedReplicas: this.count(status, 'updatedReplicas', path),
          conditions: this.conditions(status.conditions, this.join(path, 'status.conditions')),
        });
        return;
      }
      case 'Service': {
        const spec = objectOr(value.spec);
        const selector = stringMap(spec.selector);
        // A port without targetPort sends to the same number (the API's default).
        const targetPorts = arrayOr(spec.ports)
          .map(objectOr)
          .flatMap((port) => {
            const target = port.targetPort ?? port.port;
            return typeof target === 'number' || (typeof target === 'string' && target !== '')
              ? [target]
              : [];
          });
        this.data.services.push({
          ...base,
          ...(typeof spec.type === 'string' ? { type: spec.type } : {}),
          ...(selector && Object.keys(selector).length > 0 ? { selector } : {}),
          targetPorts,
        });
        return;
      }
      case 'Endpoints': {
        let ready = 0;
        let notReady = 0;
        for (const subset of arrayOr(value.subsets)) {
          ready += arrayOr(objectOr(subset).addresses).length;
          notReady += arrayOr(objectOr(subset).notReadyAddresses).length;
        }
        this.data.endpoints.push({ ...base, kind: 'Endpoints', service: name, ready, notReady });
        return;
      }
      case 'EndpointSlice': {
        const service = stringMap(metadata.labels)?.['kubernetes.io/service-name'];
        if (!service) {
          this.data.notes.push(
            `${this.file}: ${where}: EndpointSlice ${name} has no kubernetes.io/service-name label; skipped`,
          );
          return;
        }
        let ready = 0;
        let notReady = 0;
        for (const endpoint of arrayOr(value.endpoints)) {
          // The API says an unknown readiness (absent) is to be read as ready.
          if (objectOr(objectOr(endpoint).conditions).ready === false) notReady++;
          else ready++;
        }
        this.data.endpoints.push({ ...base, kind: 'EndpointSlice', service, ready, notReady });
        return;
      }
      case 'Node': {
        const status = objectOr(value.status);
        this.data.nodes.push({
          ...base,
          unschedulable: objectOr(value.spec).unschedulable === true,
          conditions: this.conditions(status.conditions, this.join(path, 'status.conditions')),
        });
        return;
      }
      case 'PersistentVolumeClaim': {
        const storageClassName = optionalString(objectOr(value.spec).storageClassName);
        const phase = optionalString(objectOr(value.status).phase);
        this.data.persistentVolumeClaims.push({
          ...base,
          ...(phase ? { phase } : {}),
          ...(storageClassName ? { storageClassName } : {}),
        });
        return;
      }
      case 'HorizontalPodAutoscaler': {
        const spec = objectOr(value.spec);
        const status = objectOr(value.status);
        const targetRef = objectOr(spec.scaleTargetRef);
        // autoscaling/v1 keeps the conditions as JSON text in an annotation; v2 in status.
        const v1Conditions = stringMap(metadata.annotations)?.['autoscaling.alpha.kubernetes.io/conditions'];
        const conditions =
          status.conditions !== undefined || v1Conditions === undefined
            ? this.conditions(status.conditions, this.join(path, 'status.conditions'))
            : this.conditions(
                this.annotationJson(v1Conditions, this.join(path, 'metadata')),
                this.join(path, 'metadata.annotations'),
              );
        const minReplicas = this.optionalCount(spec, 'minReplicas', path);
        const currentReplicas = this.optionalCount(status, 'currentReplicas', path);
        const desiredReplicas = this.optionalCount(status, 'desiredReplicas', path);
        this.data.horizontalPodAutoscalers.push({
          ...base,
          ...(typeof targetRef.kind === 'string' && typeof targetRef.name === 'string'
            ? { target: `${targetRef.kind}/${targetRef.name}` }
            : {}),
          ...(minReplicas !== undefined ? { minReplicas } : {}),
          maxReplicas: this.count(spec, 'maxReplicas', path),
          ...(currentReplicas !== undefined ? { currentReplicas } : {}),
          ...(desiredReplicas !== undefined ? { desiredReplicas } : {}),
          conditions,
        });
        return;
      }
      case 'Job': {
        const status = objectOr(value.status);
        const backoffLimit = this.optionalCount(objectOr(value.spec), 'backoffLimit', path);
        const runs = jobRuns(objectOr(objectOr(objectOr(value.spec).template).spec));
        this.data.jobs.push({
          ...base,
          ...(backoffLimit !== undefined ? { backoffLimit } : {}),
          ...(runs ? { runs } : {}),
          active: this.count(status, 'active', path),
          succeeded: this.count(status, 'succeeded', path),
          failed: this.count(status, 'failed', path),
          conditions: this.conditions(status.conditions, this.join(path, 'status.conditions')),
        });
        return;
      }
      case 'StatefulSet':
      case 'DaemonSet': {
        const spec = objectOr(value.spec);
        const status = objectOr(value.status);
        const daemon = kind === 'DaemonSet';
        const desired = daemon
          ? this.count(status, 'desiredNumberScheduled', path)
          : this.count(spec, 'replicas', path, 1);
        const updated = this.count(status, daemon ? 'updatedNumberScheduled' : 'updatedReplicas', path);
        const updating = daemon
          ? updated < desired
          : typeof status.updateRevision === 'string' && status.currentRevision !== status.updateRevision;
        this.data.workloads.push({
          ...base,
          kind,
          desired,
          ready: this.count(status, daemon ? 'numberReady' : 'readyReplicas', path),
          updated,
          updating,
        });
        return;
      }
      case 'CronJob': {
        const spec = objectOr(value.spec);
        const status = objectOr(value.status);
        const lastScheduleTime = optionalString(status.lastScheduleTime);
        const lastSuccessfulTime = optionalString(status.lastSuccessfulTime);
        const runs = jobRuns(objectOr(objectOr(objectOr(objectOr(spec.jobTemplate).spec).template).spec));
        this.data.cronJobs.push({
          ...base,
          schedule: optionalString(spec.schedule) ?? '',
          suspend: spec.suspend === true,
          ...(runs ? { runs } : {}),
          ...(lastScheduleTime ? { lastScheduleTime } : {}),
          ...(lastSuccessfulTime ? { lastSuccessfulTime } : {}),
        });
        return;
      }
      case 'Ingress': {
        const spec = objectOr(value.spec);
        const backends = new Set<string>();
        const add = (backend: unknown) => {
          // networking.k8s.io/v1: backend.service.name; extensions/v1beta1: backend.serviceName.
          const b = objectOr(backend);
          const service = optionalString(objectOr(b.service).name) ?? optionalString(b.serviceName);
          if (service) backends.add(service);
        };
        add(spec.defaultBackend ?? spec.backend);
        for (const rule of arrayOr(spec.rules).map(objectOr))
          for (const p of arrayOr(objectOr(rule.http).paths)) add(objectOr(p).backend);
        const tlsSecrets = arrayOr(spec.tls).flatMap((t) => {
          const secret = optionalString(objectOr(t).secretName);
          return secret ? [secret] : [];
        });
        this.data.ingresses.push({ ...base, backends: [...backends], tlsSecrets });
        return;
      }
      case 'Secret':
        // Only that it exists: a Secret's data never enters the bundle.
        this.data.secrets.push({ ...base });
        return;
      case 'PodDisruptionBudget': {
        const status = objectOr(value.status);
        this.data.disruptionBudgets.push({
          ...base,
          disruptionsAllowed: this.count(status, 'disruptionsAllowed', path),
          currentHealthy: this.count(status, 'currentHealthy', path),
          desiredHealthy: this.count(status, 'desiredHealthy', path),
          expectedPods: this.count(status, 'expectedPods', path),
        });
        return;
      }
      case 'NetworkPolicy': {
        const spec = objectOr(value.spec);
        const types = arrayOr(spec.policyTypes).filter((t): t is string => typeof t === 'string');
        // Without policyTypes the API assumes Ingress, and Egress only when egress rules are given.
        const ingressType = types.length === 0 || types.includes('Ingress');
        const egressType = types.includes('Egress');
        this.data.networkPolicies.push({
          ...base,
          podSelector: stringMap(objectOr(spec.podSelector).matchLabels) ?? {},
          denyAllIngress: ingressType && arrayOr(spec.ingress).length === 0,
          denyAllEgress: egressType && arrayOr(spec.egress).length === 0,
        });
        return;
      }
      case 'Event':
        this.data.events.push(this.event(value, path, apiVersion));
        return;
      case 'Rollout':
      case 'Canary':
        // Other groups have kinds of these names (Knative, Kruise...): only these two are read.
        if (
          (kind === 'Rollout' && apiVersion.startsWith('argoproj.io/')) ||
          (kind === 'Canary' && apiVersion.startsWith('flagger.app/'))
        ) {
          this.data.progressiveRollouts.push(this.progressive(value, kind, base, path));
          return;
        }
        this.data.otherKinds[kind] = (this.data.otherKinds[kind] ?? 0) + 1;
        return;
      default:
        this.data.otherKinds[kind] = (this.data.otherKinds[kind] ?? 0) + 1;
    }
  }

  pod(value: Json, metadata: Json, base: Pick<KubePod, 'namespace' | 'name' | 'at'>, path: string): KubePod {
    const spec = objectOr(value.spec);
    const status = objectOr(value.status);
    const owner = arrayOr(metadata.ownerReferences)
      .map(objectOr)
      .find((o) => o.controller === true);
    const containers: ContainerStatus[] = [];
    for (const [key, init] of [
      ['initContainerStatuses', true],
      ['containerStatuses', false],
    ] as const) {
      for (const [index, item] of arrayOr(status[key]).entries())
        containers.push(this.container(item, `${this.join(path, `status.${key}`)}[${index}]`, init, index));
    }
    const ports: KubePod['ports'] = [];
    for (const container of arrayOr(spec.containers).map(objectOr))
      for (const port of arrayOr(container.ports).map(objectOr)) {
        if (typeof port.containerPort !== 'number' || port.containerPort <= 0) continue;
        const name = optionalString(port.name);
        ports.push({ ...(name ? { name } : {}), port: port.containerPort });
      }
    const initRuns: Record<string, string> = {};
    for (const container of arrayOr(spec.initContainers).map(objectOr)) {
      if (typeof container.name !== 'string') continue;
      const runs = jobRuns({ containers: [container] });
      if (runs) initRuns[container.name] = runs;
    }
    const livenessProbes: KubePod['livenessProbes'] = {};
    for (const container of arrayOr(spec.containers).map(objectOr)) {
      const probe = objectOr(container.livenessProbe);
      if (typeof container.name !== 'string' || !isObject(container.livenessProbe)) continue;
      // The API defaults: no delay, every 10 s, three failures in a row.
      livenessProbes[container.name] = {
        initialDelaySeconds: numberOr(probe.initialDelaySeconds, 0),
        periodSeconds: numberOr(probe.periodSeconds, 10) || 10,
        failureThreshold: numberOr(probe.failureThreshold, 3) || 3,
      };
    }
    const phase = optionalString(status.phase);
    const reason = optionalString(status.reason);
    const message = text(status.message);
    const nodeName = optionalString(spec.nodeName);
    return {
      ...base,
      labels: stringMap(metadata.labels) ?? {},
      ...(owner && typeof owner.kind === 'string' && typeof owner.name === 'string'
        ? { owner: `${owner.kind}/${owner.name}` }
        : {}),
      ...(phase ? { phase } : {}),
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
      ...(nodeName ? { nodeName } : {}),
      conditions: this.conditions(status.conditions, this.join(path, 'status.conditions')),
      containers,
      ports,
      initRuns,
      livenessProbes,
    };
  }

  progressive(
    value: Json,
    kind: 'Rollout' | 'Canary',
    base: Pick<KubeProgressiveRollout, 'namespace' | 'name' | 'at'>,
    path: string,
  ): KubeProgressiveRollout {
    const spec = objectOr(value.spec);
    const status = objectOr(value.status);
    const statusPath = this.join(path, 'status');
    const pauseReasons = arrayOr(status.pauseConditions).flatMap((c) => {
      const reason = optionalString(objectOr(c).reason);
      return reason ? [reason] : [];
    });
    const steps = arrayOr(objectOr(objectOr(spec.strategy).canary).steps).map((step) => {
      const [name, argument] = Object.entries(objectOr(step))[0] ?? ['unknown', undefined];
      if (name === 'pause') {
        const duration = objectOr(argument).duration;
        // A pause without a duration waits for someone to promote the rollout.
        return duration === undefined ? 'pause' : `pause ${String(duration)}`;
      }
      return typeof argument === 'number' || typeof argument === 'string' ? `${name} ${argument}` : name;
    });
    const currentStepIndex = this.optionalCount(status, 'currentStepIndex', statusPath);
    const failedChecks = this.optionalCount(status, 'failedChecks', statusPath);
    const canaryWeight = this.optionalCount(status, 'canaryWeight', statusPath);
    const threshold = this.optionalCount(
      objectOr(spec.analysis),
      'threshold',
      this.join(path, 'spec.analysis'),
    );
    return {
      ...base,
      kind,
      abort: status.abort === true,
      pauseReasons,
      steps,
      ...compact({
        phase: optionalString(status.phase),
        message: text(status.message),
        currentStepIndex,
        failedChecks,
        failureThreshold: threshold !== undefined && threshold > 0 ? threshold : undefined,
        canaryWeight,
        lastTransitionTime: optionalString(status.lastTransitionTime),
      }),
      conditions: this.conditions(status.conditions, this.join(path, 'status.conditions')),
    };
  }

  container(value: unknown, path: string, init: boolean, index: number): ContainerStatus {
    if (!isObject(value)) throw this.bad(`${path} is not an object; expected a container status`);
    const name = this.field(value, 'name', path, 'string') as string;
    const state = objectOr(value.state);
    const waiting = isObject(state.waiting) ? state.waiting : undefined;
    const running = isObject(state.running) ? state.running : undefined;
    const terminated = isObject(state.terminated)
      ? this.terminated(state.terminated, `${path}.state.terminated`)
      : undefined;
    const last = objectOr(value.lastState).terminated;
    const lastTerminated = isObject(last) ? this.terminated(last, `${path}.lastState.terminated`) : undefined;
    const image = optionalString(value.image);
    return {
      name,
      init,
      index,
      ...(image ? { image } : {}),
      ready: value.ready === true,
      restartCount: this.count(value, 'restartCount', path),
      ...(waiting
        ? { waiting: compact({ reason: optionalString(waiting.reason), message: text(waiting.message) }) }
        : {}),
      ...(running ? { running: compact({ startedAt: optionalString(running.startedAt) }) } : {}),
      ...(terminated ? { terminated } : {}),
      ...(lastTerminated ? { lastTerminated } : {}),
    };
  }

  terminated(value: Json, path: string): NonNullable<ContainerStatus['terminated']> {
    const exitCode = value.exitCode;
    if (typeof exitCode !== 'number' || !Number.isInteger(exitCode))
      throw this.bad(`${path}.exitCode is ${describe(exitCode)}; expected an integer exit code`);
    return {
      exitCode,
      ...compact({
        reason: optionalString(value.reason),
        message: text(value.message),
        startedAt: optionalString(value.startedAt),
        finishedAt: optionalString(value.finishedAt),
      }),
    };
  }

  event(value: Json, path: string, apiVersion: string): KubeEvent {
    const modern = apiVersion.startsWith('events.k8s.io/');
    const objectField = modern ? 'regarding' : 'involvedObject';
    const involved = value[objectField];
    if (!isObject(involved) || typeof involved.kind !== 'string' || typeof involved.name !== 'string')
      throw this.bad(
        `${this.join(path, objectField)} is ${describe(involved)}; expected the object the event is about, with kind and name`,
      );
    const series = objectOr(value.series);
    const rawCount = series.count ?? (modern ? value.deprecatedCount : value.count);
    const count = typeof rawCount === 'number' && rawCount >= 1 ? Math.floor(rawCount) : 1;
    const first =
      optionalString(modern ? value.deprecatedFirstTimestamp : value.firstTimestamp) ??
      optionalString(value.eventTime);
    const last =
      optionalString(series.lastObservedTime) ??
      optionalString(modern ? value.deprecatedLastTimestamp : value.lastTimestamp) ??
      optionalString(value.eventTime) ??
      first;
    const component = modern
      ? optionalString(value.reportingController)
      : (optionalString(objectOr(value.source).component) ?? optionalString(value.reportingComponent));
    return {
      at: { file: this.file, path },
      shape: modern ? 'events.k8s.io/v1' : 'core/v1',
      object: {
        kind: involved.kind,
        name: involved.name,
        ...compact({
          namespace: optionalString(involved.namespace),
          fieldPath: optionalString(involved.fieldPath),
        }),
      },
      count,
      ...compact({
        type: optionalString(value.type),
        reason: optionalString(value.reason),
        message: text(modern ? value.note : value.message),
        firstTime: first,
        lastTime: last,
        component,
      }),
    };
  }

  conditions(value: unknown, path: string): KubeCondition[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw this.bad(`${path} is ${describe(value)}; expected a list of conditions`);
    return value.map((item, i) => {
      if (!isObject(item) || typeof item.type !== 'string' || typeof item.status !== 'string')
        throw this.bad(`${path}[${i}] is ${describe(item)}; expected a condition with type and status`);
      return {
        type: item.type,
        status: item.status,
        ...compact({
          reason: optionalString(item.reason),
          message: text(item.message),
          lastTransitionTime: optionalString(item.lastTransitionTime),
        }),
      };
    });
  }

  annotationJson(value: string, path: string): unknown {
    try {
      return JSON.parse(value);
    } catch {
      throw this.bad(
        `${path}.annotations["autoscaling.alpha.kubernetes.io/conditions"] is not JSON; expected a list of conditions`,
      );
    }
  }

  count(object: Json, key: string, path: string, absent = 0): number {
    return this.optionalCount(object, key, path) ?? absent;
  }

  optionalCount(object: Json, key: string, path: string): number | undefined {
    const value = object[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
      throw this.bad(
        `${key} of ${path || 'the object'} is ${describe(value)}; expected a count (a whole number ≥ 0)`,
      );
    return value;
  }

  field(object: Json, key: string, path: string, type: 'object' | 'string'): unknown {
    const value = object[key];
    const ok = type === 'object' ? isObject(value) : typeof value === 'string' && value.length > 0;
    if (!ok)
      throw this.bad(
        `${this.join(path, key)} is ${describe(value)}; expected ${type === 'object' ? 'an object' : 'a non-empty string'}`,
      );
    return value;
  }

  join(path: string, key: string): string {
    return path === '' ? key : `${path}.${key}`;
  }

  bad(message: string): GatherError {
    return new GatherError('parse-error', `${this.file}: ${message}`);
  }
}

function jsonErrorAt(content: string): string {
  if (content.trim() === '') return 'empty file';
  // kubectl get -o yaml starts with a key at the first column; say so rather than point at column 1.
  if (/^(?:apiVersion|kind|items):/m.test(content.slice(0, 200)) && !content.trimStart().startsWith('{'))
    return 'YAML, not JSON (save it with kubectl get -o json)';
  const offset = jsonErrorOffset(content);
  const before = content.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return offset >= content.length
    ? `not valid JSON: it ends early, at line ${line}`
    : `not valid JSON at line ${line}, column ${column}`;
}

async function readText(input: InputFile): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of input.chunks()) {
      size += chunk.length;
      if (size > MAX_DUMP_BYTES)
        throw new GatherError(
          'too-large',
          `${input.path}: more than ${MAX_DUMP_BYTES / 1024 / 1024} MiB; dump one namespace or kind at a time`,
        );
      parts.push(chunk);
    }
  } catch (error) {
    if (error instanceof GatherError) throw error;
    throw new GatherError(
      'parse-error',
      `${input.path}: ${input.gzip ? 'a damaged gzip file' : (error as Error).message}`,
    );
  }
  return Buffer.concat(parts)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function objectOr(value: unknown): Json {
  return isObject(value) ? value : {};
}

function arrayOr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function text(value: unknown): string | undefined {
  const s = optionalString(value);
  return s === undefined ? undefined : maskSecrets(s).slice(0, MAX_MESSAGE_CHARS);
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The object without its undefined fields (the schemas are strict about optional fields). */
function compact<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}

/** Longest text kept of what a job runs: enough for image names and a migration or backup command. */
const MAX_JOB_RUNS_CHARS = 500;

/** Images, commands and arguments of a pod template's containers (init containers too), joined. */
function jobRuns(podSpec: Record<string, unknown>): string | undefined {
  const words: string[] = [];
  for (const key of ['initContainers', 'containers']) {
    for (const container of arrayOr(podSpec[key]).map(objectOr)) {
      for (const field of ['image', 'command', 'args']) {
        const v = container[field];
        if (typeof v === 'string') words.push(v);
        else for (const item of arrayOr(v)) if (typeof item === 'string') words.push(item);
      }
    }
  }
  const text = words.join(' ').slice(0, MAX_JOB_RUNS_CHARS);
  return text === '' ? undefined : text;
}
