import { getObject } from './api.ts';
import type { SimulatedCluster } from './cluster.ts';
import { ApiStatusError } from './errors.ts';
import { isPodReady, sameTemplate } from './objects.ts';
import { matchesSelector } from './selectors.ts';
import type { Deployment, Pod, ReplicaSet, Service } from './types.ts';

export interface ProxyReply {
  status: number;
  contentType: string;
  body: string;
}

/** `name`, `name:port` or `scheme:name:port` from a proxy path segment. */
export function serviceName(segment: string): string {
  const parts = segment.split(':');
  if (parts.length === 3) return parts[1] ?? segment;
  return parts[0] ?? segment;
}

function readyPods(cluster: SimulatedCluster, service: Service): Pod[] {
  const selector = { matchLabels: service.spec.selector ?? {} };
  return (
    cluster.context.store.list('Pod', service.metadata.namespace) as Pod[]
  ).filter(
    (pod) =>
      matchesSelector(selector, pod.metadata.labels) &&
      isPodReady(pod) &&
      !pod.metadata.deletionTimestamp,
  );
}

/** The pod-template-hash of the deployment's current template, if any. */
function currentHash(
  cluster: SimulatedCluster,
  service: Service,
): string | null {
  const store = cluster.context.store;
  const ns = service.metadata.namespace;
  const selector = { matchLabels: service.spec.selector ?? {} };
  const d = (store.list('Deployment', ns) as Deployment[]).find((x) =>
    matchesSelector(selector, x.spec.template.metadata?.labels),
  );
  if (!d) return null;
  const rs = (store.list('ReplicaSet', ns) as ReplicaSet[]).find((x) =>
    sameTemplate(x.spec.template, d.spec.template),
  );
  return rs?.metadata.labels?.['pod-template-hash'] ?? null;
}

const json = (status: number, body: unknown): ProxyReply => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(body),
});

/** `/health` of the simulated T.A.R.S. apps behind their services. */
function health(
  cluster: SimulatedCluster,
  service: Service,
  pods: Pod[],
): ProxyReply {
  const hash = currentHash(cluster, service);
  const current = pods.filter(
    (p) => hash === null || p.metadata.labels?.['pod-template-hash'] === hash,
  );
  const name = service.metadata.name;
  if (current.length === 0) {
    return json(503, {
      status: 'unhealthy',
      service: name,
      reason: 'no ready pod runs the current version',
    });
  }
  return json(200, {
    status: 'healthy',
    service: name,
    ready_pods: current.length,
  });
}

/**
 * What `GET …/services/{name}/proxy/{path}` answers: the API server's 503
 * without ready endpoints, else the simulated app (or a registered URL).
 */
export async function proxyToService(
  cluster: SimulatedCluster,
  namespace: string,
  segment: string,
  path: string,
  targets: Record<string, string>,
): Promise<ProxyReply> {
  const name = serviceName(segment);
  const service = getObject(cluster, 'services', namespace, name) as Service;
  const pods = readyPods(cluster, service);
  if (pods.length === 0) {
    throw new ApiStatusError(
      503,
      'ServiceUnavailable',
      `no endpoints available for service "${name}"`,
    );
  }
  const target = targets[name];
  if (target) {
    const response = await fetch(new URL(path, target));
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? 'text/plain',
      body: await response.text(),
    };
  }
  if (path === '/health' || path === '/healthz')
    return health(cluster, service, pods);
  return json(404, { detail: 'Not Found' });
}
