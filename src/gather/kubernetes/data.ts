import { z } from 'zod';

// The bundle data of one Kubernetes source (a `kubectl get ... -o json` dump): the objects the
// signals judge, reduced to the status fields that name a failure (container states and their
// last termination, conditions, replica counts, scheduler and kubelet events). Each object keeps
// where it was found (file and JSON path) so that every signal can point back to the field.
// Messages are copied with secrets masked; the rest of the object is not kept.

/** Where one object was read: the file and the JSON path of the object inside it. */
export const KubeLocationSchema = z.strictObject({
  file: z.string().min(1),
  path: z.string().describe('JSON path of the object, e.g. items[3]; empty for a single object'),
});

const ref = {
  namespace: z.string().optional().describe('Absent for cluster-scoped objects such as nodes'),
  name: z.string().min(1),
  at: KubeLocationSchema,
};

export const ConditionSchema = z.strictObject({
  type: z.string().min(1),
  status: z.string().describe('True, False or Unknown'),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
});
export type KubeCondition = z.infer<typeof ConditionSchema>;

const TerminatedSchema = z.strictObject({
  reason: z.string().optional(),
  exitCode: z.int(),
  message: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});

export const ContainerStatusSchema = z.strictObject({
  name: z.string().min(1),
  init: z.boolean().describe('An init container'),
  index: z.int().nonnegative().describe('Index in status.containerStatuses or status.initContainerStatuses'),
  image: z.string().optional(),
  ready: z.boolean(),
  restartCount: z.int().nonnegative(),
  waiting: z.strictObject({ reason: z.string().optional(), message: z.string().optional() }).optional(),
  running: z.strictObject({ startedAt: z.string().optional() }).optional(),
  terminated: TerminatedSchema.optional(),
  lastTerminated: TerminatedSchema.optional().describe('lastState.terminated'),
});
export type ContainerStatus = z.infer<typeof ContainerStatusSchema>;

export const PodSchema = z.strictObject({
  ...ref,
  labels: z.record(z.string(), z.string()),
  owner: z.string().optional().describe('Kind/name of the controller owning the pod'),
  phase: z.string().optional(),
  reason: z.string().optional().describe('status.reason, e.g. Evicted'),
  message: z.string().optional(),
  nodeName: z.string().optional(),
  conditions: z.array(ConditionSchema),
  containers: z.array(ContainerStatusSchema),
  ports: z
    .array(z.strictObject({ name: z.string().optional(), port: z.int().positive() }))
    .default([])
    .describe("The containers' declared ports, by number and name: what a service's targetPort can reach"),
  initRuns: z
    .record(z.string(), z.string())
    .default({})
    .describe(
      "Init containers' images, commands and arguments, joined, by container name: what each waits for",
    ),
  /** Liveness probes declared in the spec, by container name: when they start and how often they fail. */
  livenessProbes: z.record(
    z.string(),
    z.strictObject({
      initialDelaySeconds: z.number().nonnegative(),
      periodSeconds: z.number().positive(),
      failureThreshold: z.number().positive(),
    }),
  ),
});
export type KubePod = z.infer<typeof PodSchema>;

export const DeploymentSchema = z.strictObject({
  ...ref,
  replicas: z.int().nonnegative(),
  readyReplicas: z.int().nonnegative(),
  availableReplicas: z.int().nonnegative(),
  unavailableReplicas: z.int().nonnegative(),
  updatedReplicas: z.int().nonnegative(),
  conditions: z.array(ConditionSchema),
});
export type KubeDeployment = z.infer<typeof DeploymentSchema>;

export const ServiceSchema = z.strictObject({
  ...ref,
  type: z.string().optional(),
  selector: z.record(z.string(), z.string()).optional().describe('Absent for services without a selector'),
  targetPorts: z
    .array(z.union([z.int().positive(), z.string().min(1)]))
    .default([])
    .describe("Each port's targetPort, a number or a container port's name (the port itself when absent)"),
});
export type KubeService = z.infer<typeof ServiceSchema>;

export const EndpointsSchema = z.strictObject({
  ...ref,
  kind: z.enum(['Endpoints', 'EndpointSlice']),
  service: z.string().min(1).describe('The service these endpoints belong to'),
  ready: z.int().nonnegative(),
  notReady: z.int().nonnegative(),
});
export type KubeEndpoints = z.infer<typeof EndpointsSchema>;

export const NodeSchema = z.strictObject({
  ...ref,
  unschedulable: z.boolean(),
  conditions: z.array(ConditionSchema),
});
export type KubeNode = z.infer<typeof NodeSchema>;

export const PersistentVolumeClaimSchema = z.strictObject({
  ...ref,
  phase: z.string().optional(),
  storageClassName: z.string().optional(),
});
export type KubePersistentVolumeClaim = z.infer<typeof PersistentVolumeClaimSchema>;

export const HorizontalPodAutoscalerSchema = z.strictObject({
  ...ref,
  target: z.string().optional().describe('Kind/name of the scale target'),
  minReplicas: z.int().nonnegative().optional(),
  maxReplicas: z.int().nonnegative(),
  currentReplicas: z.int().nonnegative().optional(),
  desiredReplicas: z.int().nonnegative().optional(),
  conditions: z.array(ConditionSchema),
});
export type KubeHorizontalPodAutoscaler = z.infer<typeof HorizontalPodAutoscalerSchema>;

export const JobSchema = z.strictObject({
  ...ref,
  backoffLimit: z.int().nonnegative().optional(),
  runs: z
    .string()
    .optional()
    .describe("Images, commands and arguments of the job's containers, joined: what the job does"),
  active: z.int().nonnegative(),
  succeeded: z.int().nonnegative(),
  failed: z.int().nonnegative(),
  conditions: z.array(ConditionSchema),
});
export type KubeJob = z.infer<typeof JobSchema>;

export const WorkloadSchema = z.strictObject({
  ...ref,
  kind: z.enum(['StatefulSet', 'DaemonSet']),
  desired: z.int().nonnegative().describe('spec.replicas, or status.desiredNumberScheduled of a DaemonSet'),
  ready: z.int().nonnegative(),
  updated: z.int().nonnegative().describe('Pods at the newest revision'),
  updating: z.boolean().describe('A rollout to a new revision is under way'),
});
export type KubeWorkload = z.infer<typeof WorkloadSchema>;

export const CronJobSchema = z.strictObject({
  ...ref,
  schedule: z.string(),
  suspend: z.boolean(),
  runs: z.string().optional().describe("Images, commands and arguments of its job template's containers"),
  lastScheduleTime: z.string().optional(),
  lastSuccessfulTime: z.string().optional(),
});
export type KubeCronJob = z.infer<typeof CronJobSchema>;

export const IngressSchema = z.strictObject({
  ...ref,
  backends: z.array(z.string().min(1)).describe('Services the rules and default backend send traffic to'),
  tlsSecrets: z.array(z.string().min(1)),
});
export type KubeIngress = z.infer<typeof IngressSchema>;

/** A Secret by name only: its data is never read. */
export const SecretNameSchema = z.strictObject({ ...ref });

export const DisruptionBudgetSchema = z.strictObject({
  ...ref,
  disruptionsAllowed: z.int().nonnegative(),
  currentHealthy: z.int().nonnegative(),
  desiredHealthy: z.int().nonnegative(),
  expectedPods: z.int().nonnegative(),
});
export type KubeDisruptionBudget = z.infer<typeof DisruptionBudgetSchema>;

export const NetworkPolicySchema = z.strictObject({
  ...ref,
  podSelector: z
    .record(z.string(), z.string())
    .describe('matchLabels; empty selects every pod of the namespace'),
  denyAllIngress: z.boolean().describe('Ingress is a policy type and no ingress rule is given'),
  denyAllEgress: z.boolean().describe('Egress is a policy type and no egress rule is given'),
});
export type KubeNetworkPolicy = z.infer<typeof NetworkPolicySchema>;

/**
 * A progressive-delivery object: an Argo Rollouts Rollout or a Flagger Canary, reduced to the
 * status fields that say whether it advances, waits by design, or was stopped by its analysis.
 */
export const ProgressiveRolloutSchema = z.strictObject({
  ...ref,
  kind: z.enum(['Rollout', 'Canary']).describe('Argo Rollouts Rollout, or Flagger Canary'),
  phase: z
    .string()
    .optional()
    .describe(
      'status.phase: Healthy, Progressing, Paused, Degraded (Argo); Progressing, Failed, Succeeded... (Flagger)',
    ),
  message: z.string().optional().describe('status.message (Argo)'),
  abort: z.boolean().describe('Argo status.abort: the update was aborted back to the stable version'),
  pauseReasons: z
    .array(z.string())
    .describe('Argo status.pauseConditions[].reason, e.g. CanaryPauseStep, InconclusiveAnalysisRun'),
  currentStepIndex: z.int().nonnegative().optional().describe('Argo status.currentStepIndex'),
  steps: z
    .array(z.string())
    .describe('Argo spec.strategy.canary.steps, each as its kind and argument, e.g. "setWeight 20", "pause"'),
  failedChecks: z.int().nonnegative().optional().describe('Flagger status.failedChecks'),
  failureThreshold: z.int().positive().optional().describe('Flagger spec.analysis.threshold'),
  canaryWeight: z.int().nonnegative().optional().describe('Flagger status.canaryWeight'),
  lastTransitionTime: z.string().optional().describe('Flagger status.lastTransitionTime'),
  conditions: z.array(ConditionSchema),
});
export type KubeProgressiveRollout = z.infer<typeof ProgressiveRolloutSchema>;

export const EventSchema = z.strictObject({
  at: KubeLocationSchema,
  shape: z.enum(['core/v1', 'events.k8s.io/v1']),
  object: z.strictObject({
    kind: z.string().min(1),
    namespace: z.string().optional(),
    name: z.string().min(1),
    fieldPath: z.string().optional().describe('e.g. spec.containers{app}'),
  }),
  type: z.string().optional().describe('Normal or Warning'),
  reason: z.string().optional(),
  message: z.string().optional(),
  count: z
    .int()
    .positive()
    .describe('Occurrences, from count, series.count or deprecatedCount; 1 when absent'),
  firstTime: z.string().optional(),
  lastTime: z.string().optional(),
  component: z.string().optional().describe('Who reported it: kubelet, default-scheduler...'),
});
export type KubeEvent = z.infer<typeof EventSchema>;

export const KubernetesDataSchema = z.strictObject({
  objects: z.int().nonnegative().describe('Objects read, of every kind'),
  pods: z.array(PodSchema),
  deployments: z.array(DeploymentSchema),
  services: z.array(ServiceSchema),
  endpoints: z.array(EndpointsSchema),
  nodes: z.array(NodeSchema),
  persistentVolumeClaims: z.array(PersistentVolumeClaimSchema),
  horizontalPodAutoscalers: z.array(HorizontalPodAutoscalerSchema),
  jobs: z.array(JobSchema),
  events: z.array(EventSchema),
  progressiveRollouts: z.array(ProgressiveRolloutSchema),
  workloads: z.array(WorkloadSchema).default([]),
  cronJobs: z.array(CronJobSchema).default([]),
  ingresses: z.array(IngressSchema).default([]),
  secrets: z.array(SecretNameSchema).default([]),
  disruptionBudgets: z.array(DisruptionBudgetSchema).default([]),
  networkPolicies: z.array(NetworkPolicySchema).default([]),
  otherKinds: z
    .record(z.string(), z.int().positive())
    .describe('Objects of kinds Faultline does not judge, counted by kind'),
  notes: z.array(z.string()).describe('What was skipped, counted or assumed'),
});
export type KubernetesData = z.infer<typeof KubernetesDataSchema>;

declare module '../../bundle/bundle.js' {
  interface EvidenceDataByKind {
    kubernetes: KubernetesData;
  }
}
