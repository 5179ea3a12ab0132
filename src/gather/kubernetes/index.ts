// Kubernetes evidence: kubectl get -o json dumps of objects and events.

export type {
  ContainerStatus,
  KubeCondition,
  KubeDeployment,
  KubeEvent,
  KubeHorizontalPodAutoscaler,
  KubeJob,
  KubeNode,
  KubePersistentVolumeClaim,
  KubePod,
  KubernetesData,
  KubeService,
} from './data.js';
export { KubernetesDataSchema } from './data.js';
export { kubernetesFileGatherer } from './gatherer.js';
export { readKubernetesFile, readKubernetesJson } from './read.js';
