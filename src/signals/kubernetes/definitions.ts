import type { SignalDefinition } from '../registry.js';

// The signals computed from Kubernetes evidence (kubectl get -o json dumps), as the registry lists
// them. Every signal is about one object; its subject is `Kind/namespace/name` (`Kind/name` for
// cluster-scoped objects). Signals marked "every pod" (or node, deployment...) are computed for
// each object of that kind, 0 when healthy, so that a dump without the failure is judged "not
// matched" rather than "insufficient"; the cause signals exist only where the failure does.

/** A unit of 'boolean' is left out: such signals are 1 or 0, and "observed 1" says it. */
const k8s = (name: string, unit: string, description: string): SignalDefinition => ({
  name,
  from: 'kubernetes',
  ...(unit === 'boolean' ? {} : { unit }),
  description,
});

/** Causes of an image pull failure, told apart by the runtime's message. */
export const IMAGE_PULL_CAUSES = {
  unauthorized: 'the registry refused the credentials or asked for some (401, 403, pull access denied)',
  'not-found': 'the image, tag or repository does not exist (manifest unknown, not found)',
  'rate-limited': 'the registry throttled pulls (429 Too Many Requests, toomanyrequests)',
  tls: 'the registry certificate was not trusted (x509)',
  dns: 'the registry host name did not resolve (no such host)',
  other: 'another cause (timeout, connection refused, invalid image name...)',
} as const;
export type ImagePullCause = keyof typeof IMAGE_PULL_CAUSES;

/** Reasons the scheduler gives for a node not fitting a pod, from its FailedScheduling message. */
export const SCHEDULING_CAUSES = {
  'insufficient-cpu': 'nodes without enough allocatable CPU for the requests',
  'insufficient-memory': 'nodes without enough allocatable memory for the requests',
  'insufficient-other': 'nodes without enough of another resource (pods, ephemeral storage, GPUs)',
  taint: 'nodes with a taint the pod does not tolerate (cordoned nodes too)',
  affinity: "nodes that did not match the pod's node affinity or selector",
  'unbound-pvc': 'a PersistentVolumeClaim of the pod is not bound',
} as const;
export type SchedulingCause = keyof typeof SCHEDULING_CAUSES;

/** Resources a kubelet evicts pods for, from the eviction message. */
export const EVICTION_RESOURCES = {
  memory: 'node memory',
  'ephemeral-storage': 'local ephemeral storage (the pod over its limit, or the node low on it)',
  disk: 'node disk (nodefs or imagefs)',
  pid: 'process ids',
} as const;
export type EvictionResource = keyof typeof EVICTION_RESOURCES;

export const KUBERNETES_SIGNALS: readonly SignalDefinition[] = [
  k8s(
    'k8s.pod.oom-kills',
    'containers',
    'Every pod: containers whose current or last termination has reason OOMKilled',
  ),
  k8s('k8s.pod.crash-loop', 'containers', 'Every pod: containers waiting in CrashLoopBackOff'),
  k8s('k8s.pod.restarts', 'restarts', 'Every pod: highest restartCount of its containers'),
  k8s(
    'k8s.pod.last-exit-code',
    'code',
    'Exit code of the last termination of the most restarted container; only pods with one',
  ),
  k8s(
    'k8s.pod.image-pull-failures',
    'containers',
    'Every pod: containers waiting in ErrImagePull, ImagePullBackOff, InvalidImageName or ErrImageNeverPull',
  ),
  ...Object.entries(IMAGE_PULL_CAUSES).map(([cause, what]) =>
    k8s(
      `k8s.pod.image-pull.${cause}`,
      'containers',
      `Containers whose image pull fails because ${what}; only pods with such a failure`,
    ),
  ),
  k8s(
    'k8s.pod.unschedulable',
    'attempts',
    'Every pod: scheduling attempts that failed (FailedScheduling occurrences, at least 1) for a pod still Pending and unscheduled; 0 when scheduled',
  ),
  ...Object.entries(SCHEDULING_CAUSES).map(([cause, what]) =>
    k8s(
      `k8s.pod.unschedulable.${cause}`,
      'nodes',
      `Nodes the scheduler rejected for ${what} (1 for an unbound claim); only unschedulable pods`,
    ),
  ),
  ...(['liveness', 'readiness', 'startup'] as const).map((probe) =>
    k8s(
      `k8s.pod.probe-failures.${probe}`,
      'failures',
      `Every pod: ${probe} probe failures (Unhealthy events "${probe[0]?.toUpperCase()}${probe.slice(1)} probe failed")`,
    ),
  ),
  k8s(
    'k8s.pod.probe-restarts',
    'restarts',
    'Every pod: containers killed by the kubelet because a liveness or startup probe failed ("failed liveness probe, will be restarted")',
  ),
  k8s(
    'k8s.pod.liveness.startup-kill-ratio',
    'ratio',
    'How long the last killed run lasted divided by the earliest time its liveness probe could kill it (initialDelaySeconds + periodSeconds × failureThreshold); near 1: killed before it ever became healthy; only pods with probe restarts',
  ),
  k8s(
    'k8s.pod.init-blocked',
    'containers',
    'Every pod: init containers that have not completed while they crash, wait or keep running (the pod is stuck in Init)',
  ),
  k8s(
    'k8s.pod.init-waiting-for-dependency',
    'containers',
    'Every pod: init containers stuck like k8s.pod.init-blocked whose command waits for another service (wait-for, nc -z, nslookup, pg_isready...)',
  ),
  k8s('k8s.pod.evicted', 'boolean', 'Every pod: 1 when the kubelet evicted it (status.reason Evicted)'),
  ...Object.entries(EVICTION_RESOURCES).map(([resource, what]) =>
    k8s(`k8s.pod.evicted.${resource}`, 'boolean', `Every pod: 1 when it was evicted for ${what}`),
  ),
  k8s(
    'k8s.pod.mount-failures',
    'failures',
    'Every pod: FailedMount and FailedAttachVolume occurrences of a pod not running all its containers',
  ),
  k8s(
    'k8s.deployment.unavailable-replicas',
    'replicas',
    'Every deployment: replicas not available (status.unavailableReplicas)',
  ),
  k8s(
    'k8s.deployment.progress-deadline-exceeded',
    'boolean',
    'Every deployment: 1 when its Progressing condition is False with reason ProgressDeadlineExceeded',
  ),
  k8s(
    'k8s.service.matching-pods',
    'pods',
    'Every service with a selector, when the dump has pods of its namespace: pods its selector matches',
  ),
  k8s(
    'k8s.service.ready-endpoints',
    'endpoints',
    'Every service with a selector: ready endpoints (Endpoints or EndpointSlices; else matching pods that are Ready)',
  ),
  k8s('k8s.node.not-ready', 'boolean', 'Every node: 1 when its Ready condition is not True'),
  k8s(
    'k8s.node.unreachable',
    'boolean',
    'Every node: 1 when its Ready condition is Unknown (the kubelet stopped posting status, NodeStatusUnknown)',
  ),
  ...(['memory', 'disk', 'pid'] as const).map((pressure) =>
    k8s(
      `k8s.node.${pressure}-pressure`,
      'boolean',
      `Every node: 1 when its ${pressure === 'pid' ? 'PID' : `${pressure[0]?.toUpperCase()}${pressure.slice(1)}`}Pressure condition is True`,
    ),
  ),
  k8s('k8s.pvc.pending', 'boolean', 'Every PersistentVolumeClaim: 1 when its phase is Pending'),
  k8s(
    'k8s.pvc.provisioning-failures',
    'failures',
    'Every PersistentVolumeClaim: ProvisioningFailed occurrences while it is Pending',
  ),
  k8s(
    'k8s.hpa.metrics-unavailable',
    'boolean',
    'Every HorizontalPodAutoscaler: 1 when ScalingActive is False because a metric could not be read (FailedGet...Metric, InvalidMetricSourceType)',
  ),
  k8s(
    'k8s.hpa.at-max',
    'boolean',
    'Every HorizontalPodAutoscaler: 1 when ScalingLimited is True with reason TooManyReplicas (wants more than maxReplicas)',
  ),
  k8s(
    'k8s.hpa.unable-to-scale',
    'boolean',
    'Every HorizontalPodAutoscaler: 1 when AbleToScale is False (the scale target could not be read or updated)',
  ),
  k8s('k8s.job.failed', 'boolean', 'Every job: 1 when its Failed condition is True'),
  k8s(
    'k8s.job.backoff-limit-exceeded',
    'boolean',
    'Every job: 1 when it failed with reason BackoffLimitExceeded (its pods kept failing)',
  ),
  ...(['migration', 'backup'] as const).map((purpose) =>
    k8s(
      `k8s.job.failed.${purpose}`,
      'boolean',
      `Every job: 1 when it failed and its name, images or commands say it is a ${purpose} job`,
    ),
  ),
  k8s(
    'k8s.workload.unavailable-replicas',
    'replicas',
    'Every StatefulSet and DaemonSet: pods it wants that are not ready',
  ),
  k8s(
    'k8s.workload.rollout-stuck',
    'boolean',
    'Every StatefulSet and DaemonSet: 1 when a rollout to a new revision is under way while pods are not ready',
  ),
  k8s(
    'k8s.cronjob.missed-schedules',
    'runs',
    'Every CronJob: scheduled runs the controller did not start (MissedSchedule, FailedNeedsStart events)',
  ),
  k8s(
    'k8s.cronjob.backup-missed-schedules',
    'runs',
    'Every CronJob whose name, images or commands say it takes backups: scheduled runs the controller did not start',
  ),
  k8s(
    'k8s.service.port-mismatch',
    'ports',
    'Every service with running selected pods: targetPorts that none of them exposes (a named port always; a number when the pods declare ports)',
  ),
  k8s(
    'k8s.ingress.missing-backend',
    'services',
    'Every ingress, when the dump holds services of its namespace: backend services that do not exist',
  ),
  k8s(
    'k8s.ingress.missing-tls-secret',
    'secrets',
    'Every ingress with TLS, when the dump holds secrets of its namespace: TLS secrets that do not exist',
  ),
  k8s(
    'k8s.networkpolicy.isolated-services',
    'services',
    'Every NetworkPolicy that denies all ingress: services whose pods it cuts off with no other policy allowing them',
  ),
  k8s(
    'k8s.pdb.blocking',
    'boolean',
    'Every PodDisruptionBudget: 1 when it allows no disruption while it covers pods (drains and evictions wait)',
  ),
  k8s(
    'k8s.pod.missing-config-refs',
    'containers',
    'Every pod: containers waiting in CreateContainerConfigError because a ConfigMap, Secret or key their environment refers to does not exist',
  ),
  k8s(
    'k8s.namespace.quota-rejections',
    'rejections',
    'Every namespace in the dump: pod or object creations refused with "exceeded quota" (FailedCreate events)',
  ),
  k8s(
    'k8s.namespace.admission-webhook-failures',
    'failures',
    'Every namespace in the dump: pod or object creations that failed because the API server could not call an admission webhook ("failed calling webhook", FailedCreate events); a webhook that answered and denied is not counted',
  ),
  k8s(
    'k8s.rollout.halted',
    'boolean',
    'Every Argo Rollouts Rollout and Flagger Canary: 1 when its guardrails stopped it: aborted (RolloutAborted), past its progress deadline, paused for an inconclusive analysis, a Canary in phase Failed or with two or more failed checks; 0 when it advances or waits at a pause step',
  ),
];
