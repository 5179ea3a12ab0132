import type { KubePod, KubeService } from '../../gather/kubernetes/data.js';
import type { Signal } from '../signal.js';
import {
  type Cluster,
  eventPointer,
  excerpt,
  fieldPointer,
  firstTime,
  occurrences,
  signal,
  subjectOf,
} from './cluster.js';

// Signals about what pods run on and reach: nodes that are not ready or under pressure, claims
// that cannot be provisioned, and services that select no pod or have no ready endpoint.

export function nodeSignals(cluster: Cluster): Signal[] {
  return cluster.nodes.flatMap((node) => {
    const s = subjectOf('Node', undefined, node.name);
    const pointer = [fieldPointer('Node', node, 'status.conditions')];
    const ready = node.conditions.find((c) => c.type === 'Ready');
    const notReady = ready?.status !== 'True';
    const signals = [
      signal(
        'k8s.node.not-ready',
        s,
        notReady ? 1 : 0,
        notReady
          ? `${s} is not Ready${ready ? ` (Ready=${ready.status}${ready.reason ? `, ${ready.reason}` : ''}${ready.message ? `: ${excerpt(ready.message)}` : ''})` : ' (no Ready condition)'}`
          : `${s} is Ready`,
        pointer,
      ),
      // Ready=Unknown is the node controller's verdict when the kubelet stopped posting status
      // (NodeStatusUnknown): the machine or its kubelet is gone, not a component reporting itself unwell.
      signal(
        'k8s.node.unreachable',
        s,
        ready?.status === 'Unknown' ? 1 : 0,
        ready?.status === 'Unknown'
          ? `${s} stopped posting its status (Ready=Unknown${ready.reason ? `, ${ready.reason}` : ''}${ready.message ? `: ${excerpt(ready.message)}` : ''})`
          : `${s} posts its status`,
        pointer,
        { onset: ready?.status === 'Unknown' ? isoTime(ready.lastTransitionTime) : undefined },
      ),
    ];
    for (const [pressure, type] of [
      ['memory', 'MemoryPressure'],
      ['disk', 'DiskPressure'],
      ['pid', 'PIDPressure'],
    ] as const) {
      const c = node.conditions.find((x) => x.type === type);
      const on = c?.status === 'True';
      signals.push(
        signal(
          `k8s.node.${pressure}-pressure`,
          s,
          on ? 1 : 0,
          on ? `${s} reports ${type}${c?.message ? `: ${excerpt(c.message)}` : ''}` : `${s} has no ${type}`,
          pointer,
        ),
      );
    }
    return signals;
  });
}

export function claimSignals(cluster: Cluster): Signal[] {
  return cluster.persistentVolumeClaims.flatMap((pvc) => {
    const s = subjectOf('PersistentVolumeClaim', pvc.namespace, pvc.name);
    const pending = pvc.phase === 'Pending';
    const failures = pending
      ? cluster
          .eventsOf('PersistentVolumeClaim', pvc.namespace, pvc.name)
          .filter((e) => e.reason === 'ProvisioningFailed')
      : [];
    const n = occurrences(failures);
    return [
      signal(
        'k8s.pvc.pending',
        s,
        pending ? 1 : 0,
        `${s} is ${pvc.phase ?? 'in no phase'}${pvc.storageClassName ? ` (storage class ${pvc.storageClassName})` : ''}`,
        [fieldPointer('PersistentVolumeClaim', pvc, 'status.phase')],
      ),
      signal(
        'k8s.pvc.provisioning-failures',
        s,
        n,
        n === 0
          ? `no volume provisioning failed for ${s}`
          : `provisioning a volume for ${s} failed ${n} times: ${excerpt(failures[0]?.message)}`,
        failures.slice(0, 3).map(eventPointer),
        { onset: firstTime(failures) },
      ),
    ];
  });
}

export function selects(service: KubeService, pod: KubePod): boolean {
  return (
    pod.namespace === service.namespace &&
    Object.entries(service.selector ?? {}).every(([k, v]) => pod.labels[k] === v)
  );
}

export function serviceSignals(cluster: Cluster): Signal[] {
  const podNamespaces = new Set(cluster.pods.map((p) => p.namespace));
  return cluster.services.flatMap((service) => {
    if (!service.selector) return [];
    const s = subjectOf('Service', service.namespace, service.name);
    const selector = Object.entries(service.selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const signals: Signal[] = [];
    const matching = podNamespaces.has(service.namespace)
      ? cluster.pods.filter((p) => selects(service, p) && p.phase !== 'Succeeded' && p.phase !== 'Failed')
      : undefined;
    if (matching)
      signals.push(
        signal(
          'k8s.service.matching-pods',
          s,
          matching.length,
          `the selector ${selector} of ${s} matches ${matching.length} running or pending pods${
            matching.length > 0
              ? ` (${matching
                  .slice(0, 3)
                  .map((p) => p.name)
                  .join(', ')})`
              : ''
          }`,
          [fieldPointer('Service', service, 'spec.selector')],
        ),
      );
    const endpoints = cluster.endpoints.filter(
      (e) => e.namespace === service.namespace && e.service === service.name,
    );
    if (endpoints.length > 0) {
      const ready = endpoints.reduce((sum, e) => sum + e.ready, 0);
      const notReady = endpoints.reduce((sum, e) => sum + e.notReady, 0);
      signals.push(
        signal(
          'k8s.service.ready-endpoints',
          s,
          ready,
          `${s} has ${ready} ready and ${notReady} not-ready endpoints`,
          endpoints.slice(0, 2).map((e) => fieldPointer(e.kind, e)),
        ),
      );
    } else if (matching) {
      const ready = matching.filter((p) =>
        p.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      signals.push(
        signal(
          'k8s.service.ready-endpoints',
          s,
          ready.length,
          `${ready.length} of the ${matching.length} pods ${s} selects are Ready (no Endpoints in the dump)`,
          [fieldPointer('Service', service, 'spec.selector')],
        ),
      );
    }
    return signals;
  });
}

function isoTime(t: string | undefined): string | undefined {
  return t && !Number.isNaN(Date.parse(t)) ? new Date(Date.parse(t)).toISOString() : undefined;
}
