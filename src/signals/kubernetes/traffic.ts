import type { KubePod } from '../../gather/kubernetes/data.js';
import type { Signal } from '../signal.js';
import { type Cluster, fieldPointer, signal, subjectOf } from './cluster.js';
import { selects } from './infrastructure.js';

// Signals about the paths traffic takes to pods: services whose targetPort no selected pod
// exposes, ingresses that send to services or TLS secrets that do not exist, network policies that
// deny all ingress to pods a service sends to, and disruption budgets that allow no eviction.
// An object is judged only against objects of the same dump kind that were given: an ingress's
// secret is looked for only when the dump holds Secrets of its namespace.

/** Target ports of a service that none of the selected pods declares (by name, or by number when they declare ports). */
function unreachablePorts(
  targetPorts: readonly (string | number)[],
  pods: readonly KubePod[],
): (string | number)[] {
  const declared = pods.flatMap((p) => p.ports);
  return targetPorts.filter((target) =>
    typeof target === 'string'
      ? // A named targetPort resolves only through a container port of that name.
        !declared.some((p) => p.name === target)
      : // A container may listen on a port it does not declare: a number counts only when ports are declared.
        declared.length > 0 && !declared.some((p) => p.port === target),
  );
}

export function servicePortSignals(cluster: Cluster): Signal[] {
  return cluster.services.flatMap((service) => {
    if (!service.selector || service.targetPorts.length === 0) return [];
    const pods = cluster.pods.filter((p) => selects(service, p) && p.phase === 'Running');
    if (pods.length === 0) return [];
    const s = subjectOf('Service', service.namespace, service.name);
    const missing = unreachablePorts(service.targetPorts, pods);
    const ports = [
      ...new Set(pods.flatMap((p) => p.ports.map((x) => (x.name ? `${x.name}/${x.port}` : `${x.port}`)))),
    ];
    return [
      signal(
        'k8s.service.port-mismatch',
        s,
        missing.length,
        missing.length > 0
          ? `${s} sends to targetPort ${missing.join(', ')}, which none of its ${pods.length} running pods exposes (they declare ${ports.join(', ') || 'no port'})`
          : `every targetPort of ${s} is exposed by its pods`,
        [fieldPointer('Service', service, 'spec.ports')],
      ),
    ];
  });
}

export function ingressSignals(cluster: Cluster): Signal[] {
  const servicesIn = new Set(cluster.services.map((x) => x.namespace));
  const secretsIn = new Set(cluster.secrets.map((x) => x.namespace));
  return cluster.ingresses.flatMap((ingress) => {
    const s = subjectOf('Ingress', ingress.namespace, ingress.name);
    const signals: Signal[] = [];
    if (servicesIn.has(ingress.namespace)) {
      const missing = ingress.backends.filter(
        (b) => !cluster.services.some((x) => x.namespace === ingress.namespace && x.name === b),
      );
      signals.push(
        signal(
          'k8s.ingress.missing-backend',
          s,
          missing.length,
          missing.length > 0
            ? `${s} sends traffic to service ${missing.join(', ')}, which does not exist in namespace ${ingress.namespace}`
            : `every backend service of ${s} exists`,
          [fieldPointer('Ingress', ingress, 'spec.rules')],
        ),
      );
    }
    if (ingress.tlsSecrets.length > 0 && secretsIn.has(ingress.namespace)) {
      const missing = ingress.tlsSecrets.filter(
        (name) => !cluster.secrets.some((x) => x.namespace === ingress.namespace && x.name === name),
      );
      signals.push(
        signal(
          'k8s.ingress.missing-tls-secret',
          s,
          missing.length,
          missing.length > 0
            ? `${s} terminates TLS with secret ${missing.join(', ')}, which does not exist: the controller serves its default certificate instead`
            : `every TLS secret of ${s} exists`,
          [fieldPointer('Ingress', ingress, 'spec.tls')],
        ),
      );
    }
    return signals;
  });
}

export function networkPolicySignals(cluster: Cluster): Signal[] {
  return cluster.networkPolicies.flatMap((policy) => {
    if (!policy.denyAllIngress) return [];
    const s = subjectOf('NetworkPolicy', policy.namespace, policy.name);
    const isolated = cluster.pods.filter(
      (p) =>
        p.namespace === policy.namespace &&
        Object.entries(policy.podSelector).every(([k, v]) => p.labels[k] === v),
    );
    // Only a policy that cuts off pods some service sends to says anything: deny-all as a default
    // with allow policies beside it is the recommended pattern, so allowing policies in the same
    // namespace that select the same pods clear it.
    const allowed = (pod: KubePod) =>
      cluster.networkPolicies.some(
        (other) =>
          other !== policy &&
          other.namespace === pod.namespace &&
          !other.denyAllIngress &&
          Object.entries(other.podSelector).every(([k, v]) => pod.labels[k] === v),
      );
    const services = cluster.services.filter((service) =>
      isolated.some((p) => selects(service, p) && !allowed(p)),
    );
    return [
      signal(
        'k8s.networkpolicy.isolated-services',
        s,
        services.length,
        services.length > 0
          ? `${s} denies all ingress to the pods of ${services.map((x) => x.name).join(', ')}, and no other policy allows any`
          : `${s} isolates no pod that a service sends to`,
        [fieldPointer('NetworkPolicy', policy, 'spec')],
      ),
    ];
  });
}

export function disruptionBudgetSignals(cluster: Cluster): Signal[] {
  return cluster.disruptionBudgets.map((pdb) => {
    const s = subjectOf('PodDisruptionBudget', pdb.namespace, pdb.name);
    const blocking = pdb.expectedPods > 0 && pdb.disruptionsAllowed === 0;
    return signal(
      'k8s.pdb.blocking',
      s,
      blocking ? 1 : 0,
      blocking
        ? `${s} allows no disruption: ${pdb.currentHealthy} healthy of ${pdb.expectedPods} pods, ${pdb.desiredHealthy} required; node drains and evictions of its pods wait`
        : `${s} allows ${pdb.disruptionsAllowed} disruptions`,
      [fieldPointer('PodDisruptionBudget', pdb, 'status')],
    );
  });
}
