import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GatherError } from '../../../src/gather/gatherer.js';
import { KubernetesDataSchema } from '../../../src/gather/kubernetes/data.js';
import { readKubernetesFile, readKubernetesJson } from '../../../src/gather/kubernetes/read.js';
import { evidenceKindOfName } from '../../../src/pipeline/evidence.js';
import { tempDir } from '../../support/scenarios.js';

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'api-7d9f-x2x8q',
    namespace: 'shop',
    labels: { app: 'api' },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-7d9f', uid: 'u', controller: true },
    ],
  },
  spec: {
    nodeName: 'node-1',
    containers: [
      {
        name: 'api',
        image: 'api:1',
        livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 15 },
      },
    ],
  },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
    containerStatuses: [
      {
        name: 'api',
        image: 'api:1',
        ready: false,
        restartCount: 4,
        state: {
          waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container' },
        },
        lastState: {
          terminated: {
            reason: 'OOMKilled',
            exitCode: 137,
            startedAt: '2024-03-12T14:00:00Z',
            finishedAt: '2024-03-12T14:03:00Z',
          },
        },
      },
    ],
  },
};

const CORE_EVENT = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'api-7d9f-x2x8q.17c0', namespace: 'shop' },
  involvedObject: {
    kind: 'Pod',
    namespace: 'shop',
    name: 'api-7d9f-x2x8q',
    fieldPath: 'spec.containers{api}',
  },
  reason: 'BackOff',
  message: 'Back-off restarting failed container api in pod api-7d9f-x2x8q_shop(u)',
  source: { component: 'kubelet', host: 'node-1' },
  firstTimestamp: '2024-03-12T14:01:00Z',
  lastTimestamp: '2024-03-12T14:09:00Z',
  count: 12,
  type: 'Warning',
};

const MODERN_EVENT = {
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'pvc.17c1', namespace: 'shop' },
  regarding: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-0' },
  reason: 'ProvisioningFailed',
  note: 'storageclass.storage.k8s.io "fast" not found',
  type: 'Warning',
  reportingController: 'persistentvolume-controller',
  eventTime: null,
  series: { count: 7, lastObservedTime: '2024-03-12T14:08:00.000000Z' },
  deprecatedFirstTimestamp: '2024-03-12T14:00:00Z',
};

function gatherError(run: () => unknown): GatherError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatherError) return error;
    throw error;
  }
  throw new Error('expected a GatherError');
}

describe('kubectl get -o json reader', () => {
  it('reads a List of objects and events into schema-valid data', () => {
    const data = readKubernetesJson(
      'all.k8s.json',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [POD, CORE_EVENT, MODERN_EVENT],
        metadata: {},
      }),
    );
    expect(KubernetesDataSchema.parse(data)).toEqual(data);
    expect(data.objects).toBe(3);
    const pod = data.pods[0];
    expect(pod).toMatchObject({
      namespace: 'shop',
      name: 'api-7d9f-x2x8q',
      owner: 'ReplicaSet/api-7d9f',
      at: { file: 'all.k8s.json', path: 'items[0]' },
    });
    expect(pod?.containers[0]).toMatchObject({
      name: 'api',
      restartCount: 4,
      waiting: { reason: 'CrashLoopBackOff' },
      lastTerminated: { reason: 'OOMKilled', exitCode: 137 },
    });
    // The API's defaults fill what the spec leaves out.
    expect(pod?.livenessProbes.api).toEqual({
      initialDelaySeconds: 15,
      periodSeconds: 10,
      failureThreshold: 3,
    });
    expect(data.events.map((e) => [e.shape, e.object.kind, e.reason, e.count, e.component])).toEqual([
      ['core/v1', 'Pod', 'BackOff', 12, 'kubelet'],
      ['events.k8s.io/v1', 'PersistentVolumeClaim', 'ProvisioningFailed', 7, 'persistentvolume-controller'],
    ]);
    expect(data.events[1]?.message).toBe('storageclass.storage.k8s.io "fast" not found');
    expect(data.events[1]?.lastTime).toBe('2024-03-12T14:08:00.000000Z');
  });

  it('reads a single object, and the items of a typed list from the API that leave out kind', () => {
    const single = readKubernetesJson('pod.json', JSON.stringify(POD));
    expect(single.pods[0]?.at).toEqual({ file: 'pod.json', path: '' });
    const { kind: _kind, ...untyped } = POD;
    const typed = readKubernetesJson(
      'pods.json',
      JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: [untyped] }),
    );
    expect(typed.pods.map((p) => p.name)).toEqual(['api-7d9f-x2x8q']);
  });

  it('counts and notes the kinds it does not judge instead of dropping them silently', () => {
    const data = readKubernetesJson(
      'mixed.json',
      JSON.stringify({
        kind: 'List',
        items: [
          { kind: 'ConfigMap', metadata: { name: 'a', namespace: 'shop' } },
          { kind: 'ConfigMap', metadata: { name: 'b', namespace: 'shop' } },
          { kind: 'ReplicaSet', metadata: { name: 'c', namespace: 'shop' } },
        ],
      }),
    );
    expect(data.otherKinds).toEqual({ ConfigMap: 2, ReplicaSet: 1 });
    expect(data.notes).toEqual(['mixed.json: 3 objects of kinds not judged: ConfigMap 2, ReplicaSet 1']);
  });

  it('masks secrets in the messages it keeps', () => {
    const event = {
      ...CORE_EVENT,
      message: 'Failed to pull image "r.example/x": https://bot:hunter2@r.example/v2/ 401 Unauthorized',
    };
    const data = readKubernetesJson('e.json', JSON.stringify(event));
    expect(data.events[0]?.message).not.toContain('hunter2');
  });

  it('names the line and column of broken JSON', () => {
    const error = gatherError(() =>
      readKubernetesJson('broken.k8s.json', '{\n  "kind": "List",\n  "items": [,]\n}'),
    );
    expect(error.code).toBe('parse-error');
    expect(error.message).toMatch(
      /^broken\.k8s\.json: not valid JSON at line 3, column 13; expected the JSON that kubectl get -o json prints$/,
    );
  });

  it('recognizes kubectl YAML and asks for JSON', () => {
    const error = gatherError(() =>
      readKubernetesJson('pods.yaml', 'apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n'),
    );
    expect(error.message).toBe(
      'pods.yaml: YAML, not JSON (save it with kubectl get -o json); expected the JSON that kubectl get -o json prints',
    );
  });

  it('says where a truncated dump ends', () => {
    const error = gatherError(() =>
      readKubernetesJson('cut.json', '{"kind": "List",\n "items": [{"kind": "Pod"'),
    );
    expect(error.message).toBe(
      'cut.json: not valid JSON: it ends early, at line 2; expected the JSON that kubectl get -o json prints',
    );
  });

  it('refuses JSON that is not a Kubernetes object, saying what was expected', () => {
    const error = gatherError(() => readKubernetesJson('query.json', '{"status":"success","data":{}}'));
    expect(error.code).toBe('unsupported-format');
    expect(error.message).toMatch(
      /^query\.json: not a Kubernetes object or list; expected \{"apiVersion":"v1","kind":"List"/,
    );
  });

  it('names the JSON path of a damaged item and the field it expected', () => {
    const noName = gatherError(() =>
      readKubernetesJson(
        'l.json',
        JSON.stringify({ kind: 'List', items: [POD, { kind: 'Pod', metadata: {} }] }),
      ),
    );
    expect(noName.message).toBe('l.json: items[1].metadata.name is missing; expected a non-empty string');
    const badCount = structuredClone(POD);
    (badCount.status.containerStatuses[0] as { restartCount: unknown }).restartCount = 'four';
    const count = gatherError(() =>
      readKubernetesJson('l.json', JSON.stringify({ kind: 'List', items: [badCount] })),
    );
    expect(count.message).toBe(
      'l.json: restartCount of items[0].status.containerStatuses[0] is string "four"; expected a count (a whole number ≥ 0)',
    );
    const event = gatherError(() =>
      readKubernetesJson('e.json', JSON.stringify({ ...CORE_EVENT, involvedObject: undefined })),
    );
    expect(event.message).toBe(
      'e.json: involvedObject is missing; expected the object the event is about, with kind and name',
    );
  });

  it('reads gzip files and finds dumps by their name', async () => {
    const dir = tempDir();
    const path = join(dir, 'cluster.k8s.json.gz');
    writeFileSync(path, gzipSync(JSON.stringify({ kind: 'List', items: [POD] })));
    const data = await readKubernetesFile({ type: 'file', path });
    expect(data.pods).toHaveLength(1);
    expect(evidenceKindOfName(path)).toBe('kubernetes');
    expect(evidenceKindOfName('prod.kubernetes.json')).toBe('kubernetes');
    expect(evidenceKindOfName('results.json')).toBe('load-test');
  });

  it('reads autoscaling/v1 conditions from their annotation', () => {
    const hpa = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: {
        name: 'api',
        namespace: 'shop',
        annotations: {
          'autoscaling.alpha.kubernetes.io/conditions': JSON.stringify([
            {
              type: 'ScalingActive',
              status: 'False',
              reason: 'FailedGetResourceMetric',
              message: 'the HPA was unable to compute the replica count',
            },
          ]),
        },
      },
      spec: { maxReplicas: 10, minReplicas: 2, scaleTargetRef: { kind: 'Deployment', name: 'api' } },
      status: { currentReplicas: 2, desiredReplicas: 2 },
    };
    const data = readKubernetesJson('hpa.json', JSON.stringify(hpa));
    expect(data.horizontalPodAutoscalers[0]).toMatchObject({
      target: 'Deployment/api',
      maxReplicas: 10,
      conditions: [{ type: 'ScalingActive', reason: 'FailedGetResourceMetric' }],
    });
  });

  it('keeps the status of Argo Rollouts and Flagger Canaries, and counts other kinds of those names', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          metadata: { name: 'checkout', namespace: 'shop' },
          spec: {
            strategy: {
              canary: {
                steps: [{ setWeight: 20 }, { pause: {} }, { pause: { duration: '10m' } }, { analysis: {} }],
              },
            },
          },
          status: {
            phase: 'Paused',
            message: 'CanaryPauseStep',
            currentStepIndex: 1,
            pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2024-03-12T14:00:00Z' }],
            conditions: [{ type: 'Progressing', status: 'Unknown', reason: 'RolloutPaused' }],
          },
        },
        {
          apiVersion: 'flagger.app/v1beta1',
          kind: 'Canary',
          metadata: { name: 'payments', namespace: 'shop' },
          spec: { analysis: { threshold: 5 } },
          status: { phase: 'Failed', failedChecks: 5, canaryWeight: 0 },
        },
        {
          apiVersion: 'apps.kruise.io/v1alpha1',
          kind: 'Rollout',
          metadata: { name: 'other', namespace: 'shop' },
        },
      ],
    };
    const data = readKubernetesJson('rollouts.json', JSON.stringify(list));
    expect(KubernetesDataSchema.parse(data)).toEqual(data);
    expect(data.progressiveRollouts).toEqual([
      expect.objectContaining({
        kind: 'Rollout',
        phase: 'Paused',
        abort: false,
        currentStepIndex: 1,
        steps: ['setWeight 20', 'pause', 'pause 10m', 'analysis'],
        pauseReasons: ['CanaryPauseStep'],
      }),
      expect.objectContaining({ kind: 'Canary', phase: 'Failed', failedChecks: 5, failureThreshold: 5 }),
    ]);
    expect(data.otherKinds).toEqual({ Rollout: 1 });
    const bad = { ...list, items: [{ ...list.items[1], status: { failedChecks: -1 } }] };
    expect(() => readKubernetesJson('bad.json', JSON.stringify(bad))).toThrow(
      /failedChecks of items\[0\]\.status/,
    );
  });
});
