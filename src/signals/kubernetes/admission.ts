import type { KubeEvent } from '../../gather/kubernetes/data.js';
import type { Signal } from '../signal.js';
import { type Cluster, eventPointer, excerpt, firstTime, occurrences, signal } from './cluster.js';

// Signals about admission webhooks as the controllers meet them: a ReplicaSet, Job or
// StatefulSet controller whose create call the API server refused because it could not reach a
// validating or mutating webhook whose failurePolicy is Fail. The API server words that refusal
// "failed calling webhook" (then the webhook's name and the transport error); a webhook that
// answered and refused says "admission webhook ... denied the request" instead, which is a policy
// doing its job and is not counted here.

/** The API server's words for a webhook it could not call (timeout, no endpoints, TLS, refused). */
const WEBHOOK_UNREACHABLE = /failed calling webhook/i;
/** The webhook's name, quoted right after those words. */
const WEBHOOK_NAME = /failed calling webhook "([^"]{1,253})"/i;

export function admissionSignals(cluster: Cluster): Signal[] {
  const namespaces = new Set<string>();
  for (const list of [cluster.pods, cluster.deployments, cluster.services, cluster.jobs])
    for (const o of list) if (o.namespace) namespaces.add(o.namespace);
  const failedIn = new Map<string, KubeEvent[]>();
  for (const e of cluster.events) {
    if (!e.object.namespace) continue;
    namespaces.add(e.object.namespace);
    if (e.reason !== 'FailedCreate' || !WEBHOOK_UNREACHABLE.test(e.message ?? '')) continue;
    const list = failedIn.get(e.object.namespace);
    if (list) list.push(e);
    else failedIn.set(e.object.namespace, [e]);
  }
  return [...namespaces].sort().map((namespace) => {
    const failed = failedIn.get(namespace) ?? [];
    const n = occurrences(failed);
    const webhooks = [
      ...new Set(failed.flatMap((e) => WEBHOOK_NAME.exec(e.message ?? '')?.slice(1, 2) ?? [])),
    ].sort();
    return signal(
      'k8s.namespace.admission-webhook-failures',
      `Namespace/${namespace}`,
      n,
      n === 0
        ? `no creation in namespace ${namespace} failed for an unreachable admission webhook`
        : `${n} creations in namespace ${namespace} failed because the API server could not call the admission webhook${webhooks.length === 1 ? '' : 's'} ${webhooks.join(', ') || '(unnamed)'}: ${excerpt(failed[0]?.message)}`,
      failed.slice(0, 3).map(eventPointer),
      { onset: firstTime(failed) },
    );
  });
}
