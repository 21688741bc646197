import type { SimContext } from './context.ts';
import { isDeleting, isPodReady, newMeta } from './objects.ts';
import { matchesSelector } from './selectors.ts';
import type { Pod, Service, ServicePort } from './types.ts';

function targetPort(port: ServicePort, pod: Pod | undefined): number {
  if (typeof port.targetPort === 'number') return port.targetPort;
  if (port.targetPort === undefined) return port.port;
  const named = pod?.spec.containers
    .flatMap((c) => c.ports ?? [])
    .find((p) => p.name === port.targetPort);
  return named?.containerPort ?? port.port;
}

function address(pod: Pod) {
  return {
    ip: String(pod.status?.podIP ?? ''),
    nodeName: pod.spec.nodeName,
    targetRef: {
      kind: 'Pod',
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
    },
  };
}

function subsets(service: Service, pods: Pod[]) {
  if (pods.length === 0) return undefined;
  const ready = pods.filter(isPodReady).map(address);
  const notReady = pods.filter((p) => !isPodReady(p)).map(address);
  const ports = (service.spec.ports ?? []).map((port) => ({
    ...(port.name ? { name: port.name } : {}),
    port: targetPort(port, pods[0]),
    protocol: port.protocol ?? 'TCP',
  }));
  return [
    {
      ...(ready.length ? { addresses: ready } : {}),
      ...(notReady.length ? { notReadyAddresses: notReady } : {}),
      ports,
    },
  ];
}

/** Keeps each selector service's Endpoints in step with its pods. */
export function reconcileEndpoints(
  context: SimContext,
  service: Service,
): void {
  const selector = service.spec.selector;
  if (!selector) return;
  const ns = service.metadata.namespace ?? 'default';
  const pods = (context.store.list('Pod', ns) as Pod[]).filter(
    (pod) =>
      matchesSelector({ matchLabels: selector }, pod.metadata.labels) &&
      !isDeleting(pod) &&
      pod.status?.podIP,
  );
  const existing = context.store.get('Endpoints', ns, service.metadata.name);
  const labels = service.metadata.labels ?? {};
  const endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata:
      existing?.metadata ??
      newMeta(context, service.metadata.name, ns, { labels }),
    subsets: subsets(service, pods),
  };
  if (!endpoints.subsets) delete endpoints.subsets;
  context.store.put('Endpoints', endpoints);
}
