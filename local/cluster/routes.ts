import {
  getObject,
  listObjects,
  patchDeployment,
  removePod,
  replaceDeployment,
  scaleOf,
  type WriteRequest,
  writeScale,
} from './api.ts';
import type { SimulatedCluster } from './cluster.ts';
import { RESOURCES, type ResourceName } from './types.ts';

/** A request path split the way the API server reads it. */
export interface ApiPath {
  group: '' | 'apps';
  namespace: string | undefined;
  resource: ResourceName;
  name: string | undefined;
  subresource: string | undefined;
  rest: string;
}

export interface RouteInput {
  method: string;
  path: ApiPath;
  query: URLSearchParams;
  write: WriteRequest;
}

/** What a route answers: JSON, or text (pod logs). */
export type RouteResult =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'text'; status: number; body: string };

function splitPrefix(
  segments: string[],
): { group: '' | 'apps'; rest: string[] } | null {
  if (segments[0] === 'api' && segments[1] === 'v1')
    return { group: '', rest: segments.slice(2) };
  if (
    segments[0] === 'apis' &&
    segments[1] === 'apps' &&
    segments[2] === 'v1'
  ) {
    return { group: 'apps', rest: segments.slice(3) };
  }
  return null;
}

function asResource(
  name: string | undefined,
  group: string,
): ResourceName | null {
  if (!name || !(name in RESOURCES)) return null;
  const resource = name as ResourceName;
  return RESOURCES[resource].group === group ? resource : null;
}

/** Parses `/api/v1/...` and `/apis/apps/v1/...`; null when not ours. */
export function parseApiPath(pathname: string): ApiPath | null {
  const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const prefix = splitPrefix(segments);
  if (!prefix) return null;
  let rest = prefix.rest;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const resource = asResource(rest[0], prefix.group);
  if (!resource) return null;
  return {
    group: prefix.group,
    namespace,
    resource,
    name: rest[1],
    subresource: rest[2],
    rest: `/${rest.slice(3).join('/')}`,
  };
}

const ok = (body: unknown): RouteResult => ({
  kind: 'json',
  status: 200,
  body,
});

const flag = (query: URLSearchParams, key: string) =>
  ['true', '1'].includes(query.get(key) ?? '');

const numberOf = (query: URLSearchParams, key: string) => {
  const value = query.get(key);
  return value === null ? undefined : Number(value);
};

interface Route {
  method: string;
  resource?: ResourceName;
  shape: 'collection' | 'object' | string;
  handle: (cluster: SimulatedCluster, input: RouteInput) => RouteResult;
}

const nameOf = (input: RouteInput) => input.path.name ?? '';
const nsOf = (input: RouteInput) => input.path.namespace ?? '';

/** The API this simulator serves, one row per method and path shape. */
export const ROUTES: Route[] = [
  {
    method: 'GET',
    shape: 'collection',
    handle: (c, i) =>
      ok(
        listObjects(c, i.path.resource, i.path.namespace, {
          labelSelector: i.query.get('labelSelector'),
          fieldSelector: i.query.get('fieldSelector'),
        }),
      ),
  },
  {
    method: 'GET',
    shape: 'object',
    handle: (c, i) => ok(getObject(c, i.path.resource, nsOf(i), nameOf(i))),
  },
  {
    method: 'GET',
    shape: 'status',
    handle: (c, i) => ok(getObject(c, i.path.resource, nsOf(i), nameOf(i))),
  },
  {
    method: 'PATCH',
    resource: 'deployments',
    shape: 'object',
    handle: (c, i) => ok(patchDeployment(c, i.write)),
  },
  {
    method: 'PUT',
    resource: 'deployments',
    shape: 'object',
    handle: (c, i) => ok(replaceDeployment(c, i.write)),
  },
  {
    method: 'GET',
    resource: 'deployments',
    shape: 'scale',
    handle: (c, i) => ok(scaleOf(c, nsOf(i), nameOf(i))),
  },
  {
    method: 'PATCH',
    resource: 'deployments',
    shape: 'scale',
    handle: (c, i) => ok(writeScale(c, i.write, true)),
  },
  {
    method: 'PUT',
    resource: 'deployments',
    shape: 'scale',
    handle: (c, i) => ok(writeScale(c, i.write, false)),
  },
  {
    method: 'DELETE',
    resource: 'pods',
    shape: 'object',
    handle: (c, i) => ok(removePod(c, nsOf(i), nameOf(i), i.write.dryRun)),
  },
  {
    method: 'GET',
    resource: 'pods',
    shape: 'log',
    handle: (c, i) => ({
      kind: 'text',
      status: 200,
      body: c.readLog(nsOf(i), nameOf(i), {
        container: i.query.get('container') ?? undefined,
        previous: flag(i.query, 'previous'),
        tailLines: numberOf(i.query, 'tailLines'),
        sinceSeconds: numberOf(i.query, 'sinceSeconds'),
        limitBytes: numberOf(i.query, 'limitBytes'),
        timestamps: flag(i.query, 'timestamps'),
      }),
    }),
  },
];

/** The shape of a parsed path: collection, object or a subresource name. */
export function shapeOf(path: ApiPath): string {
  if (path.name === undefined) return 'collection';
  return path.subresource ?? 'object';
}

/** The route for a request, or null (405 when the path itself is known). */
export function findRoute(method: string, path: ApiPath): Route | null {
  const shape = shapeOf(path);
  return (
    ROUTES.find(
      (r) =>
        r.method === method &&
        r.shape === shape &&
        (!r.resource || r.resource === path.resource),
    ) ?? null
  );
}
