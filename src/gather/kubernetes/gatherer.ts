import type { Gatherer } from '../gatherer.js';
import { readKubernetesFile } from './read.js';

// The gatherer of Kubernetes evidence: `kubectl get ... -o json` dumps saved to files. Faultline
// never talks to a cluster itself; the dump is what the user chose to show it.

/** Reads the dump a task's `{ type: 'file', path }` source names. */
export function kubernetesFileGatherer(): Gatherer<'kubernetes'> {
  return { kind: 'kubernetes', name: 'kubectl-json', gather: (source) => readKubernetesFile(source) };
}
