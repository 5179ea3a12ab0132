import type { KubernetesData } from '../../gather/kubernetes/data.js';
import type { Signal } from '../signal.js';
import { admissionSignals } from './admission.js';
import { clusterOf } from './cluster.js';
import { claimSignals, nodeSignals, serviceSignals } from './infrastructure.js';
import { podSignals } from './pods.js';
import { progressiveRolloutSignals } from './rollouts.js';
import {
  disruptionBudgetSignals,
  ingressSignals,
  networkPolicySignals,
  servicePortSignals,
} from './traffic.js';
import {
  autoscalerSignals,
  cronJobSignals,
  deploymentSignals,
  jobSignals,
  quotaSignals,
  workloadSignals,
} from './workloads.js';

// Every Kubernetes signal of a run, from all its dumps together: pods, controllers, nodes,
// claims and services, each signal about one object.

export function kubernetesSignals(dumps: readonly KubernetesData[]): Signal[] {
  const cluster = clusterOf(dumps);
  return [
    ...podSignals(cluster),
    ...deploymentSignals(cluster),
    ...autoscalerSignals(cluster),
    ...jobSignals(cluster),
    ...quotaSignals(cluster),
    ...nodeSignals(cluster),
    ...claimSignals(cluster),
    ...serviceSignals(cluster),
    ...admissionSignals(cluster),
    ...progressiveRolloutSignals(cluster),
    ...workloadSignals(cluster),
    ...cronJobSignals(cluster),
    ...servicePortSignals(cluster),
    ...ingressSignals(cluster),
    ...networkPolicySignals(cluster),
    ...disruptionBudgetSignals(cluster),
  ];
}
