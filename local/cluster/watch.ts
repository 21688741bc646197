import type { ServerResponse } from 'node:http';
import { type ListQuery, selectObjects } from './api.ts';
import type { SimulatedCluster } from './cluster.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import type { StoreEvent } from './store.ts';
import { type KubeObject, RESOURCES, type ResourceName } from './types.ts';

export interface WatchRequest extends ListQuery {
  resource: ResourceName;
  namespace: string | undefined;
  resourceVersion: string | null;
  timeoutSeconds: number | null;
}

const line = (type: string, object: unknown) =>
  `${JSON.stringify({ type, object })}\n`;

function expired(resourceVersion: string): string {
  return line('ERROR', {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `too old resource version: ${resourceVersion}`,
    reason: 'Expired',
    code: 410,
  });
}

function matcher(request: WatchRequest) {
  const labels = parseLabelSelector(request.labelSelector);
  const fields = parseFieldSelector(request.fieldSelector);
  const { kind } = RESOURCES[request.resource];
  return (event: StoreEvent) =>
    event.kind === kind &&
    (!request.namespace ||
      event.object.metadata.namespace === request.namespace) &&
    labels(event.object.metadata.labels ?? {}) &&
    fields(event.object);
}

/** Writes the opening events: a replay from a version, or the current set. */
function backlog(
  cluster: SimulatedCluster,
  request: WatchRequest,
  matches: (e: StoreEvent) => boolean,
): string | null {
  const from = request.resourceVersion;
  if (!from || from === '0') {
    const objects: KubeObject[] = selectObjects(
      cluster,
      request.resource,
      request.namespace,
      request,
    );
    return objects.map((o) => line('ADDED', o)).join('');
  }
  const events = cluster.context.store.since(Number(from));
  if (!events) return null;
  return events
    .filter(matches)
    .map((e) => line(e.type, e.object))
    .join('');
}

/**
 * Streams newline-delimited watch events (ADDED, MODIFIED, DELETED) until
 * the client leaves or `timeoutSeconds` (real seconds) pass.
 */
export function streamWatch(
  cluster: SimulatedCluster,
  request: WatchRequest,
  res: ServerResponse,
): void {
  const matches = matcher(request);
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache',
  });
  const opening = backlog(cluster, request, matches);
  if (opening === null) {
    res.end(expired(request.resourceVersion ?? ''));
    return;
  }
  res.write(opening);
  const unsubscribe = cluster.context.store.subscribe((event) => {
    if (matches(event)) res.write(line(event.type, event.object));
  });
  const timer = request.timeoutSeconds
    ? setTimeout(() => res.end(), request.timeoutSeconds * 1000)
    : undefined;
  const stop = () => {
    unsubscribe();
    clearTimeout(timer);
  };
  res.on('close', stop);
}
