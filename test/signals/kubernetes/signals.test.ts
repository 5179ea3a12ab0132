import { describe, expect, it } from 'vitest';
import { readKubernetesJson } from '../../../src/gather/kubernetes/read.js';
import { evictionResource, imagePullCause, schedulingCauses } from '../../../src/signals/kubernetes/pods.js';
import { kubernetesSignals } from '../../../src/signals/kubernetes/signals.js';
import { signalDefinition } from '../../../src/signals/registry.js';
import type { Signal } from '../../../src/signals/signal.js';

// Objects in the API's shapes, reduced to the fields that matter for each case.

type Json = Record<string, unknown>;

const pod = (name: string, status: Json, spec: Json = {}, labels: Json = { app: name }): Json => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels },
  spec: { containers: [{ name: 'app', image: 'app:1' }], ...spec },
  status,
});

const event = (
  kind: string,
  name: string,
  reason: string,
  message: string,
  count = 1,
  extra: Json = {},
): Json => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: `${name}.1`, namespace: 'shop' },
  involvedObject: { kind, namespace: 'shop', name, ...extra },
  reason,
  message,
  count,
  firstTimestamp: '2024-03-12T14:00:00Z',
  lastTimestamp: '2024-03-12T14:10:00Z',
  type: 'Warning',
});

const running = (ready = true): Json => ({
  phase: 'Running',
  conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
  containerStatuses: [
    { name: 'app', ready, restartCount: 0, state: { running: { startedAt: '2024-03-12T13:00:00Z' } } },
  ],
});

function signals(...items: Json[]): Signal[] {
  return kubernetesSignals([readKubernetesJson('dump.k8s.json', JSON.stringify({ kind: 'List', items }))]);
}

function value(list: Signal[], name: string, subject: string): number | undefined {
  const found = list.filter((s) => s.name === name && s.subject === subject);
  expect(found.length, `${name} ${subject}`).toBeLessThanOrEqual(1);
  return found[0]?.value as number | undefined;
}

describe('kubernetes signals', () => {
  it('are all in the registry, with subjects Kind/namespace/name and pointers to the field', () => {
    const list = signals(pod('a', running()));
    for (const s of list) expect(signalDefinition(s.name)?.from, s.name).toBe('kubernetes');
    const restarts = list.find((s) => s.name === 'k8s.pod.restarts');
    expect(restarts?.subject).toBe('Pod/shop/a');
    expect(restarts?.sources[0]).toEqual({
      type: 'object',
      kind: 'Pod',
      namespace: 'shop',
      name: 'a',
      path: 'dump.k8s.json#items[0].status.containerStatuses[0].restartCount',
    });
  });

  it('tell an OOM kill from a crash loop with another exit, and give the last exit code', () => {
    const crash = (reason: string, exitCode: number): Json => ({
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 5,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { reason, exitCode } },
        },
      ],
    });
    const list = signals(
      pod('oom', crash('OOMKilled', 137)),
      pod('err', crash('Error', 137)),
      pod('ok', running()),
    );
    expect(value(list, 'k8s.pod.oom-kills', 'Pod/shop/oom')).toBe(1);
    expect(value(list, 'k8s.pod.oom-kills', 'Pod/shop/err')).toBe(0);
    expect(value(list, 'k8s.pod.crash-loop', 'Pod/shop/err')).toBe(1);
    expect(value(list, 'k8s.pod.last-exit-code', 'Pod/shop/err')).toBe(137);
    expect(value(list, 'k8s.pod.crash-loop', 'Pod/shop/ok')).toBe(0);
    expect(value(list, 'k8s.pod.last-exit-code', 'Pod/shop/ok')).toBeUndefined();
    const oom = list.find((s) => s.name === 'k8s.pod.oom-kills' && s.subject === 'Pod/shop/oom');
    expect(oom?.sources[0]?.type === 'object' && oom.sources[0].path).toBe(
      'dump.k8s.json#items[0].status.containerStatuses[0].lastState.terminated.reason',
    );
  });

  it('split image pull failures by the cause in the kubelet message', () => {
    const cases: Array<[string, string]> = [
      [
        'failed to resolve reference "r.example/a:1": pulling from host r.example failed with status code [manifests 1]: 401 Unauthorized',
        'unauthorized',
      ],
      [
        'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
        'unauthorized',
      ],
      [
        'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:nope": failed to resolve reference "docker.io/library/nginx:nope": docker.io/library/nginx:nope: not found',
        'not-found',
      ],
      [
        'unexpected status code https://registry-1.docker.io/v2/library/redis/manifests/7: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.',
        'rate-limited',
      ],
      [
        'failed to do request: Head "https://r.internal/v2/a/manifests/1": tls: failed to verify certificate: x509: certificate signed by unknown authority',
        'tls',
      ],
      [
        'failed to do request: Head "https://r.internal/v2/a/manifests/1": dial tcp: lookup r.internal on 10.96.0.10:53: no such host',
        'dns',
      ],
      ['failed to copy: read tcp 10.0.1.5:41122->52.1.2.3:443: read: connection reset by peer', 'other'],
    ];
    for (const [message, cause] of cases)
      expect(imagePullCause(`Failed to pull image "x": ${message}`), message).toBe(cause);
    const waiting = (reason: string): Json => ({
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason, message: 'Back-off pulling image "x"' } },
        },
      ],
    });
    const list = signals(
      pod('pull', waiting('ImagePullBackOff'), { nodeName: 'n1' }),
      event('Pod', 'pull', 'Failed', `Failed to pull image "x": ${cases[3]?.[0]}`, 6, {
        fieldPath: 'spec.containers{app}',
      }),
      pod('later', running()),
      event('Pod', 'later', 'Failed', `Failed to pull image "x": ${cases[6]?.[0]}`),
    );
    expect(value(list, 'k8s.pod.image-pull-failures', 'Pod/shop/pull')).toBe(1);
    expect(value(list, 'k8s.pod.image-pull.rate-limited', 'Pod/shop/pull')).toBe(1);
    // A pull that failed once and then worked is not a failure now.
    expect(value(list, 'k8s.pod.image-pull-failures', 'Pod/shop/later')).toBe(0);
    expect(
      list.filter((s) => s.name.startsWith('k8s.pod.image-pull.') && s.subject === 'Pod/shop/later'),
    ).toEqual([]);
  });

  it('name the cause of the newest pull failure when the registry answered differently over time', () => {
    const list = signals(
      pod('p', {
        phase: 'Pending',
        containerStatuses: [
          { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } },
        ],
      }),
      {
        ...event('Pod', 'p', 'Failed', 'Failed to pull image "x": read: connection reset by peer'),
        lastTimestamp: '2024-03-12T14:01:00Z',
      },
      {
        ...event('Pod', 'p', 'Failed', 'Failed to pull image "x": unexpected status: 401 Unauthorized', 4),
        lastTimestamp: '2024-03-12T14:20:00Z',
      },
    );
    expect(list.filter((s) => s.name.startsWith('k8s.pod.image-pull.')).map((s) => s.name)).toEqual([
      'k8s.pod.image-pull.unauthorized',
    ]);
  });

  it("read the scheduler's reasons, leaving out the preemption part", () => {
    expect(
      schedulingCauses(
        "0/6 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/6 nodes are available: 3 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.",
      ),
    ).toEqual({ taint: 1, 'insufficient-cpu': 2, affinity: 3 });
    expect(
      schedulingCauses(
        '0/4 nodes are available: 1 node(s) had untolerated taint(s), 1 node(s) were unschedulable, 2 Too many pods. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.',
      ),
    ).toEqual({ taint: 2, 'insufficient-other': 2 });
    expect(schedulingCauses('0/3 nodes are available: 3 Insufficient nvidia.com/gpu.')).toEqual({
      'insufficient-other': 3,
    });
    expect(
      schedulingCauses(
        '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
      ),
    ).toEqual({ 'unbound-pvc': 1 });
  });

  it('count a pod as unschedulable only while it waits for a node', () => {
    const message =
      '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
    const list = signals(
      pod('pending', {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }],
      }),
      event('Pod', 'pending', 'FailedScheduling', message, 9),
      pod('placed', running(), { nodeName: 'n1' }),
      event('Pod', 'placed', 'FailedScheduling', message, 2),
    );
    expect(value(list, 'k8s.pod.unschedulable', 'Pod/shop/pending')).toBe(9);
    expect(value(list, 'k8s.pod.unschedulable.insufficient-memory', 'Pod/shop/pending')).toBe(3);
    expect(value(list, 'k8s.pod.unschedulable', 'Pod/shop/placed')).toBe(0);
  });

  it('count probe failures by probe, restarts by probe kills, and how early the kill came', () => {
    const status: Json = {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: {
            terminated: {
              reason: 'Error',
              exitCode: 137,
              startedAt: '2024-03-12T14:00:00Z',
              finishedAt: '2024-03-12T14:00:36Z',
            },
          },
        },
      ],
    };
    const spec = {
      containers: [
        {
          name: 'app',
          image: 'a:1',
          livenessProbe: {
            httpGet: { path: '/', port: 80 },
            initialDelaySeconds: 5,
            periodSeconds: 10,
            failureThreshold: 3,
          },
        },
      ],
    };
    const list = signals(
      pod('slow', status, spec),
      event(
        'Pod',
        'slow',
        'Unhealthy',
        'Liveness probe failed: Get "http://10.1.1.1:80/": dial tcp 10.1.1.1:80: connect: connection refused',
        9,
      ),
      event('Pod', 'slow', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', 4),
      event('Pod', 'slow', 'Killing', 'Container app failed liveness probe, will be restarted', 3),
    );
    expect(value(list, 'k8s.pod.probe-failures.liveness', 'Pod/shop/slow')).toBe(9);
    expect(value(list, 'k8s.pod.probe-failures.readiness', 'Pod/shop/slow')).toBe(4);
    expect(value(list, 'k8s.pod.probe-failures.startup', 'Pod/shop/slow')).toBe(0);
    expect(value(list, 'k8s.pod.probe-restarts', 'Pod/shop/slow')).toBe(3);
    // 36 s of run against 5 + 10 × 3 = 35 s: killed at the first chance.
    expect(value(list, 'k8s.pod.liveness.startup-kill-ratio', 'Pod/shop/slow')).toBeCloseTo(36 / 35, 2);
  });

  it('name the resource of an eviction and the pressure of a node', () => {
    expect(
      evictionResource(
        'The node was low on resource: memory. Threshold quantity: 100Mi, available: 91040Ki.',
      ),
    ).toBe('memory');
    expect(
      evictionResource('Pod ephemeral local storage usage exceeds the total limit of containers 1Gi.'),
    ).toBe('ephemeral-storage');
    expect(
      evictionResource(
        'The node was low on resource: ephemeral-storage. Threshold quantity: 4Gi, available: 3Gi.',
      ),
    ).toBe('ephemeral-storage');
    expect(evictionResource('The node had condition: [DiskPressure].')).toBe('disk');
    const list = signals(
      pod('gone', {
        phase: 'Failed',
        reason: 'Evicted',
        message:
          'The node was low on resource: memory. Threshold quantity: 100Mi, available: 91040Ki. Container app was using 1200Mi, request is 256Mi, has larger consumption of memory.',
      }),
      {
        kind: 'Node',
        metadata: { name: 'n1' },
        status: {
          conditions: [
            { type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory' },
            {
              type: 'Ready',
              status: 'Unknown',
              reason: 'NodeStatusUnknown',
              message: 'Kubelet stopped posting node status.',
            },
          ],
        },
      },
    );
    expect(value(list, 'k8s.pod.evicted', 'Pod/shop/gone')).toBe(1);
    expect(value(list, 'k8s.pod.evicted.memory', 'Pod/shop/gone')).toBe(1);
    expect(value(list, 'k8s.pod.evicted.ephemeral-storage', 'Pod/shop/gone')).toBe(0);
    expect(value(list, 'k8s.node.memory-pressure', 'Node/n1')).toBe(1);
    expect(value(list, 'k8s.node.disk-pressure', 'Node/n1')).toBe(0);
    expect(value(list, 'k8s.node.not-ready', 'Node/n1')).toBe(1);
  });

  it('count mount failures only for pods that are not running', () => {
    const creating: Json = {
      phase: 'Pending',
      containerStatuses: [
        { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
      ],
    };
    const list = signals(
      pod('stuck', creating, { nodeName: 'n1' }),
      event(
        'Pod',
        'stuck',
        'FailedMount',
        'MountVolume.SetUp failed for volume "config" : configmap "app-config" not found',
        7,
      ),
      pod('fine', running(), { nodeName: 'n1' }),
      event(
        'Pod',
        'fine',
        'FailedMount',
        'MountVolume.SetUp failed for volume "token" : object "shop"/"kube-root-ca.crt" not registered',
        1,
      ),
    );
    expect(value(list, 'k8s.pod.mount-failures', 'Pod/shop/stuck')).toBe(7);
    expect(value(list, 'k8s.pod.mount-failures', 'Pod/shop/fine')).toBe(0);
  });

  it('tell a missing ConfigMap key from other reasons a container cannot be created', () => {
    const waiting = (message: string): Json => ({
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'CreateContainerConfigError', message } },
        },
      ],
    });
    const list = signals(
      pod('key', waiting("couldn't find key DB_HOST in ConfigMap shop/app-config"), { nodeName: 'n1' }),
      pod('secret', waiting('Back-off'), { nodeName: 'n1' }),
      event('Pod', 'secret', 'Failed', 'Error: secret "db-credentials" not found', 5, {
        fieldPath: 'spec.containers{app}',
      }),
      pod('root', waiting('container has runAsNonRoot and image will run as root'), { nodeName: 'n1' }),
    );
    expect(value(list, 'k8s.pod.missing-config-refs', 'Pod/shop/key')).toBe(1);
    expect(value(list, 'k8s.pod.missing-config-refs', 'Pod/shop/secret')).toBe(1);
    expect(value(list, 'k8s.pod.missing-config-refs', 'Pod/shop/root')).toBe(0);
  });

  it('read deployment, autoscaler, job and claim conditions with their reasons', () => {
    const list = signals(
      {
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { replicas: 3 },
        status: {
          replicas: 3,
          availableReplicas: 1,
          unavailableReplicas: 2,
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'ReplicaSet "web-5d8f" has timed out progressing.',
              lastTransitionTime: '2024-03-12T14:10:00Z',
            },
          ],
        },
      },
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { maxReplicas: 5, scaleTargetRef: { kind: 'Deployment', name: 'web' } },
        status: {
          conditions: [
            { type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale' },
            {
              type: 'ScalingActive',
              status: 'False',
              reason: 'FailedGetResourceMetric',
              message:
                'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API',
            },
            {
              type: 'ScalingLimited',
              status: 'True',
              reason: 'TooManyReplicas',
              message: 'the desired replica count is more than the maximum replica count',
            },
          ],
        },
      },
      {
        kind: 'Job',
        metadata: { name: 'migrate', namespace: 'shop' },
        spec: { backoffLimit: 4 },
        status: {
          failed: 5,
          conditions: [
            {
              type: 'Failed',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
            },
          ],
        },
      },
      {
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data', namespace: 'shop' },
        spec: { storageClassName: 'fast' },
        status: { phase: 'Pending' },
      },
      event(
        'PersistentVolumeClaim',
        'data',
        'ProvisioningFailed',
        'storageclass.storage.k8s.io "fast" not found',
        40,
      ),
      event(
        'ReplicaSet',
        'web-5d8f',
        'FailedCreate',
        'Error creating: pods "web-5d8f-abcde" is forbidden: exceeded quota: compute, requested: limits.memory=1Gi, used: limits.memory=4Gi, limited: limits.memory=4Gi',
        11,
      ),
    );
    expect(value(list, 'k8s.deployment.progress-deadline-exceeded', 'Deployment/shop/web')).toBe(1);
    expect(value(list, 'k8s.deployment.unavailable-replicas', 'Deployment/shop/web')).toBe(2);
    const deadline = list.find((s) => s.name === 'k8s.deployment.progress-deadline-exceeded');
    expect(deadline?.onset).toBe('2024-03-12T14:10:00.000Z');
    expect(value(list, 'k8s.hpa.metrics-unavailable', 'HorizontalPodAutoscaler/shop/web')).toBe(1);
    expect(value(list, 'k8s.hpa.at-max', 'HorizontalPodAutoscaler/shop/web')).toBe(1);
    expect(value(list, 'k8s.hpa.unable-to-scale', 'HorizontalPodAutoscaler/shop/web')).toBe(0);
    expect(value(list, 'k8s.job.backoff-limit-exceeded', 'Job/shop/migrate')).toBe(1);
    expect(value(list, 'k8s.pvc.provisioning-failures', 'PersistentVolumeClaim/shop/data')).toBe(40);
    expect(value(list, 'k8s.namespace.quota-rejections', 'Namespace/shop')).toBe(11);
  });

  it('tell a node that stopped posting status from one that reports itself not ready', () => {
    const node = (name: string, ready: Json): Json => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name },
      spec: {},
      status: { conditions: [{ type: 'Ready', lastTransitionTime: '2024-03-12T14:00:00Z', ...ready }] },
    });
    const list = signals(
      node('lost', {
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
      }),
      node('cni', { status: 'False', reason: 'KubeletNotReady', message: 'cni plugin not initialized' }),
      node('fine', { status: 'True', reason: 'KubeletReady' }),
    );
    expect(value(list, 'k8s.node.unreachable', 'Node/lost')).toBe(1);
    expect(value(list, 'k8s.node.unreachable', 'Node/cni')).toBe(0);
    expect(value(list, 'k8s.node.not-ready', 'Node/cni')).toBe(1);
    expect(value(list, 'k8s.node.unreachable', 'Node/fine')).toBe(0);
    expect(list.find((s) => s.name === 'k8s.node.unreachable' && s.subject === 'Node/lost')?.onset).toBe(
      '2024-03-12T14:00:00.000Z',
    );
  });

  it('tell failed migration and backup jobs by their name, image or command', () => {
    const job = (name: string, image: string, command: string[], failed: boolean): Json => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'shop' },
      spec: { backoffLimit: 2, template: { spec: { containers: [{ name: 'main', image, command }] } } },
      status: failed
        ? { failed: 3, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] }
        : { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] },
    });
    const list = signals(
      job('release-41', 'flyway/flyway:10', ['flyway', 'migrate'], true),
      job('nightly-29111200', 'postgres:16', ['sh', '-c', 'pg_dump orders > /backup/o.dump'], true),
      job('report-29111200', 'reports:1', ['node', 'report.js'], true),
      job('db-backup-29111100', 'postgres:16', ['pg_dump'], false),
    );
    expect(value(list, 'k8s.job.failed.migration', 'Job/shop/release-41')).toBe(1);
    expect(value(list, 'k8s.job.failed.backup', 'Job/shop/release-41')).toBe(0);
    expect(value(list, 'k8s.job.failed.backup', 'Job/shop/nightly-29111200')).toBe(1);
    expect(value(list, 'k8s.job.failed.migration', 'Job/shop/report-29111200')).toBe(0);
    expect(value(list, 'k8s.job.failed.backup', 'Job/shop/report-29111200')).toBe(0);
    expect(value(list, 'k8s.job.failed', 'Job/shop/report-29111200')).toBe(1);
    expect(value(list, 'k8s.job.failed.backup', 'Job/shop/db-backup-29111100')).toBe(0);
  });

  it('find service ports no pod exposes, ingress backends and TLS secrets that do not exist', () => {
    const web = pod(
      'cart-1',
      running(),
      { containers: [{ name: 'app', image: 'cart:1', ports: [{ name: 'http', containerPort: 8080 }] }] },
      { app: 'cart' },
    );
    const svc = (name: string, targetPort: number | string): Json => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'shop' },
      spec: { selector: { app: 'cart' }, ports: [{ port: 80, targetPort }] },
    });
    const ingress: Json = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'shop', namespace: 'shop' },
      spec: {
        tls: [{ secretName: 'shop-tls' }],
        rules: [{ http: { paths: [{ backend: { service: { name: 'gone', port: { number: 80 } } } }] } }],
      },
    };
    const secret: Json = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'other', namespace: 'shop' },
      data: { k: 'c2VjcmV0' },
    };
    const list = signals(
      web,
      svc('by-name', 'http'),
      svc('wrong-name', 'web'),
      svc('by-number', 8080),
      svc('wrong-number', 9090),
      ingress,
      secret,
    );
    expect(value(list, 'k8s.service.port-mismatch', 'Service/shop/by-name')).toBe(0);
    expect(value(list, 'k8s.service.port-mismatch', 'Service/shop/wrong-name')).toBe(1);
    expect(value(list, 'k8s.service.port-mismatch', 'Service/shop/by-number')).toBe(0);
    expect(value(list, 'k8s.service.port-mismatch', 'Service/shop/wrong-number')).toBe(1);
    expect(value(list, 'k8s.ingress.missing-backend', 'Ingress/shop/shop')).toBe(1);
    expect(value(list, 'k8s.ingress.missing-tls-secret', 'Ingress/shop/shop')).toBe(1);
    // A secret's data never enters the evidence.
    expect(JSON.stringify(list)).not.toContain('c2VjcmV0');
    // Without secrets of the namespace in the dump, a missing TLS secret is not judged.
    expect(
      value(
        signals(web, svc('by-name', 'http'), ingress),
        'k8s.ingress.missing-tls-secret',
        'Ingress/shop/shop',
      ),
    ).toBeUndefined();
  });

  it('find deny-all policies that cut a service off, budgets that allow no disruption, stuck rollouts and missed schedules', () => {
    const cart = pod('cart-1', running(), {}, { app: 'cart' });
    const svc: Json = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'cart', namespace: 'shop' },
      spec: { selector: { app: 'cart' } },
    };
    const policy = (name: string, ingress?: Json[]): Json => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: 'shop' },
      spec: {
        podSelector: { matchLabels: { app: 'cart' } },
        policyTypes: ['Ingress'],
        ...(ingress ? { ingress } : {}),
      },
    });
    expect(
      value(
        signals(cart, svc, policy('deny')),
        'k8s.networkpolicy.isolated-services',
        'NetworkPolicy/shop/deny',
      ),
    ).toBe(1);
    expect(
      value(
        signals(cart, svc, policy('deny'), policy('allow', [{ from: [] }])),
        'k8s.networkpolicy.isolated-services',
        'NetworkPolicy/shop/deny',
      ),
    ).toBe(0);
    const pdb = (name: string, allowed: number): Json => ({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace: 'shop' },
      status: { disruptionsAllowed: allowed, currentHealthy: 2, desiredHealthy: 2, expectedPods: 2 },
    });
    const sts = (name: string, status: Json): Json => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, namespace: 'shop' },
      spec: { replicas: 3 },
      status,
    });
    const cron: Json = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'db-backup', namespace: 'shop' },
      spec: {
        schedule: '0 * * * *',
        jobTemplate: {
          spec: {
            template: { spec: { containers: [{ name: 'm', image: 'postgres:16', command: ['pg_dump'] }] } },
          },
        },
      },
      status: {},
    };
    const list = signals(
      pdb('none', 0),
      pdb('one', 1),
      sts('rolling', { readyReplicas: 2, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'b' }),
      sts('steady', { readyReplicas: 2, updatedReplicas: 3, currentRevision: 'a', updateRevision: 'a' }),
      cron,
      event(
        'CronJob',
        'db-backup',
        'MissedSchedule',
        'Missed scheduled time to start a job: 2024-03-12T13:00:00Z',
        3,
      ),
    );
    expect(value(list, 'k8s.pdb.blocking', 'PodDisruptionBudget/shop/none')).toBe(1);
    expect(value(list, 'k8s.pdb.blocking', 'PodDisruptionBudget/shop/one')).toBe(0);
    expect(value(list, 'k8s.workload.rollout-stuck', 'StatefulSet/shop/rolling')).toBe(1);
    expect(value(list, 'k8s.workload.rollout-stuck', 'StatefulSet/shop/steady')).toBe(0);
    expect(value(list, 'k8s.workload.unavailable-replicas', 'StatefulSet/shop/steady')).toBe(1);
    expect(value(list, 'k8s.cronjob.missed-schedules', 'CronJob/shop/db-backup')).toBe(3);
    expect(value(list, 'k8s.cronjob.backup-missed-schedules', 'CronJob/shop/db-backup')).toBe(3);
  });

  it('find services whose selector matches no pod or that have no ready endpoint', () => {
    const service = (name: string, selector: Json): Json => ({
      kind: 'Service',
      metadata: { name, namespace: 'shop' },
      spec: { selector },
    });
    const list = signals(
      pod('api-1', running(), { nodeName: 'n1' }, { app: 'api' }),
      pod('web-1', running(false), { nodeName: 'n1' }, { app: 'web' }),
      service('api', { app: 'api' }),
      service('typo', { app: 'apii' }),
      service('web', { app: 'web' }),
      {
        kind: 'EndpointSlice',
        metadata: { name: 'web-x1', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
        endpoints: [{ addresses: ['10.0.0.9'], conditions: { ready: false } }],
      },
    );
    expect(value(list, 'k8s.service.matching-pods', 'Service/shop/api')).toBe(1);
    expect(value(list, 'k8s.service.ready-endpoints', 'Service/shop/api')).toBe(1);
    expect(value(list, 'k8s.service.matching-pods', 'Service/shop/typo')).toBe(0);
    expect(value(list, 'k8s.service.ready-endpoints', 'Service/shop/typo')).toBe(0);
    expect(value(list, 'k8s.service.matching-pods', 'Service/shop/web')).toBe(1);
    expect(value(list, 'k8s.service.ready-endpoints', 'Service/shop/web')).toBe(0);
  });

  it('judge objects from several dumps together, each object once', () => {
    const a = readKubernetesJson(
      'pods.json',
      JSON.stringify({
        kind: 'List',
        items: [
          pod('p', {
            phase: 'Pending',
            conditions: [
              {
                type: 'PodScheduled',
                status: 'False',
                reason: 'Unschedulable',
                message: '0/1 nodes are available: 1 Insufficient cpu.',
              },
            ],
          }),
        ],
      }),
    );
    const b = readKubernetesJson(
      'events.json',
      JSON.stringify({
        kind: 'List',
        items: [event('Pod', 'p', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient cpu.', 4)],
      }),
    );
    const list = kubernetesSignals([a, b, a]);
    expect(value(list, 'k8s.pod.unschedulable', 'Pod/shop/p')).toBe(4);
  });

  it('count creations failed for an unreachable admission webhook, not those a webhook denied', () => {
    const list = signals(
      event(
        'ReplicaSet',
        'web-5d8f',
        'FailedCreate',
        'Error creating: Internal error occurred: failed calling webhook "validate.kyverno.svc-fail": failed to call webhook: Post "https://kyverno-svc.kyverno.svc:443/validate/fail?timeout=10s": context deadline exceeded',
        7,
      ),
      event(
        'ReplicaSet',
        'api-77c2',
        'FailedCreate',
        'Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [require-owner] you must provide labels: {"owner"}',
        5,
      ),
    );
    expect(value(list, 'k8s.namespace.admission-webhook-failures', 'Namespace/shop')).toBe(7);
    const failed = list.find((s) => s.name === 'k8s.namespace.admission-webhook-failures');
    expect(failed?.explanation).toContain('validate.kyverno.svc-fail');
    expect(failed?.onset).toBe('2024-03-12T14:00:00.000Z');
  });

  it('tell rollouts stopped by their analysis from ones waiting at a pause step or advancing', () => {
    const argo = (name: string, status: Json): Json => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name, namespace: 'shop' },
      spec: { strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } } },
      status,
    });
    const flagger = (name: string, status: Json): Json => ({
      apiVersion: 'flagger.app/v1beta1',
      kind: 'Canary',
      metadata: { name, namespace: 'shop' },
      spec: { analysis: { threshold: 5 } },
      status,
    });
    const list = signals(
      argo('aborted', {
        phase: 'Degraded',
        abort: true,
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'RolloutAborted',
            message: 'Rollout aborted update to revision 3: Metric "success-rate" assessed Failed',
            lastTransitionTime: '2024-03-12T14:20:00Z',
          },
        ],
      }),
      argo('inconclusive', { phase: 'Paused', pauseConditions: [{ reason: 'InconclusiveAnalysisRun' }] }),
      argo('waiting', {
        phase: 'Paused',
        currentStepIndex: 1,
        pauseConditions: [{ reason: 'CanaryPauseStep' }],
      }),
      flagger('failed', { phase: 'Failed', failedChecks: 5 }),
      flagger('halting', { phase: 'Progressing', failedChecks: 3, canaryWeight: 10 }),
      flagger('advancing', { phase: 'Progressing', failedChecks: 1, canaryWeight: 30 }),
    );
    expect(value(list, 'k8s.rollout.halted', 'Rollout/shop/aborted')).toBe(1);
    expect(list.find((s) => s.subject === 'Rollout/shop/aborted')?.onset).toBe('2024-03-12T14:20:00.000Z');
    expect(value(list, 'k8s.rollout.halted', 'Rollout/shop/inconclusive')).toBe(1);
    expect(value(list, 'k8s.rollout.halted', 'Rollout/shop/waiting')).toBe(0);
    expect(list.find((s) => s.subject === 'Rollout/shop/waiting')?.explanation).toContain(
      'step 1 of 2 (pause)',
    );
    expect(value(list, 'k8s.rollout.halted', 'Canary/shop/failed')).toBe(1);
    expect(value(list, 'k8s.rollout.halted', 'Canary/shop/halting')).toBe(1);
    expect(value(list, 'k8s.rollout.halted', 'Canary/shop/advancing')).toBe(0);
  });

  it('tell init containers stuck waiting for another service from crashing ones and completed ones', () => {
    const init = (name: string, command: string[], state: Json, restartCount = 0): Json =>
      pod(
        name,
        {
          phase: state.terminated ? 'Running' : 'Pending',
          conditions: [{ type: 'Initialized', status: state.terminated ? 'True' : 'False' }],
          initContainerStatuses: [{ name: 'init', ready: !!state.terminated, restartCount, state }],
          containerStatuses: [
            { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
          ],
        },
        { initContainers: [{ name: 'init', image: 'busybox:1.36', command }] },
      );
    const wait = ['sh', '-c', 'until nc -z orders-db 5432; do sleep 2; done'];
    const list = signals(
      init('waiting', wait, { running: { startedAt: '2024-03-12T14:00:00Z' } }),
      init('crashing', ['/bin/setup-schema'], { waiting: { reason: 'CrashLoopBackOff' } }, 5),
      init('done', wait, { terminated: { exitCode: 0, reason: 'Completed' } }),
    );
    expect(value(list, 'k8s.pod.init-blocked', 'Pod/shop/waiting')).toBe(1);
    expect(value(list, 'k8s.pod.init-waiting-for-dependency', 'Pod/shop/waiting')).toBe(1);
    expect(value(list, 'k8s.pod.init-blocked', 'Pod/shop/crashing')).toBe(1);
    expect(value(list, 'k8s.pod.init-waiting-for-dependency', 'Pod/shop/crashing')).toBe(0);
    expect(value(list, 'k8s.pod.init-blocked', 'Pod/shop/done')).toBe(0);
    expect(value(list, 'k8s.pod.init-waiting-for-dependency', 'Pod/shop/done')).toBe(0);
  });
});
