import { isoSeconds } from './clock.ts';
import type { SimulatedCluster } from './cluster.ts';
import { ApiStatusError, notFound, PatchError } from './errors.ts';
import { putWithGeneration } from './objects.ts';
import { patcherFor } from './patch.ts';
import { deletePod } from './pods.ts';
import { parseQuantity } from './quantity.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import {
  type Deployment,
  type KubeObject,
  type Pod,
  RESOURCES,
  type ResourceName,
} from './types.ts';

/** `deployments.apps`, the resource name the API puts in messages. */
export const qualified = (resource: ResourceName) => {
  const group = RESOURCES[resource].group;
  return group ? `${resource}.${group}` : resource;
};

export interface ListQuery {
  labelSelector: string | null;
  fieldSelector: string | null;
}

const byName = (a: KubeObject, b: KubeObject) =>
  `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
    `${b.metadata.namespace}/${b.metadata.name}`,
  );

/** The objects a list or watch request selects. */
export function selectObjects(
  cluster: SimulatedCluster,
  resource: ResourceName,
  namespace: string | undefined,
  query: ListQuery,
): KubeObject[] {
  const labels = parseLabelSelector(query.labelSelector);
  const fields = parseFieldSelector(query.fieldSelector);
  const { kind } = RESOURCES[resource];
  return cluster.context.store
    .list(kind, namespace)
    .filter((o) => labels(o.metadata.labels ?? {}) && fields(o))
    .sort(byName);
}

/** A `<Kind>List` as the API server returns it (items without kind). */
export function listObjects(
  cluster: SimulatedCluster,
  resource: ResourceName,
  namespace: string | undefined,
  query: ListQuery,
) {
  const { kind, group } = RESOURCES[resource];
  const items = selectObjects(cluster, resource, namespace, query).map(
    ({ apiVersion: _a, kind: _k, ...rest }) => rest,
  );
  return {
    kind: `${kind}List`,
    apiVersion: group ? `${group}/v1` : 'v1',
    metadata: {
      resourceVersion: String(cluster.context.store.resourceVersion()),
    },
    items,
  };
}

/** One object by name, or the API's 404 when there is none. */
export function getObject(
  cluster: SimulatedCluster,
  resource: ResourceName,
  namespace: string,
  name: string,
): KubeObject {
  const found = cluster.context.store.get(
    RESOURCES[resource].kind,
    namespace,
    name,
  );
  if (!found) throw notFound(qualified(resource), name);
  return found;
}

/** A deployment, or the API's 404 when there is none by that name. */
function getDeployment(
  cluster: SimulatedCluster,
  namespace: string,
  name: string,
): Deployment {
  return getObject(cluster, 'deployments', namespace, name) as Deployment;
}

function invalid(name: string, field: string, problem: string): ApiStatusError {
  return new ApiStatusError(
    422,
    'Invalid',
    `Deployment.apps "${name}" is invalid: ${field}: ${problem}`,
    {
      details: {
        name,
        group: 'apps',
        kind: 'Deployment',
        causes: [{ reason: 'FieldValueInvalid', message: problem, field }],
      },
    },
  );
}

const QUANTITY_RULE =
  'quantities must match the regular expression ' +
  "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

function validateContainers(name: string, d: Deployment): void {
  const containers = d.spec?.template?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    throw invalid(name, 'spec.template.spec.containers', 'Required value');
  }
  containers.forEach((c, i) => {
    const at = `spec.template.spec.containers[${i}]`;
    if (!c?.name) throw invalid(name, `${at}.name`, 'Required value');
    if (!c.image) throw invalid(name, `${at}.image`, 'Required value');
    for (const [kind, values] of Object.entries(c.resources ?? {})) {
      for (const [key, value] of Object.entries(values ?? {})) {
        if (parseQuantity(String(value)) === null) {
          throw invalid(
            name,
            `${at}.resources.${kind}[${key}]`,
            `Invalid value: "${value}": ${QUANTITY_RULE}`,
          );
        }
      }
    }
  });
}

/** The checks the API server makes that matter for our patches. */
function validateDeployment(current: Deployment, next: Deployment): void {
  const name = current.metadata.name;
  if (next.metadata?.name !== name) {
    throw invalid(name, 'metadata.name', 'Invalid value: field is immutable');
  }
  const replicas = next.spec?.replicas;
  if (
    replicas !== undefined &&
    !(Number.isInteger(replicas) && replicas >= 0)
  ) {
    throw invalid(
      name,
      'spec.replicas',
      `Invalid value: ${JSON.stringify(replicas)}: ` +
        'must be greater than or equal to 0',
    );
  }
  validateContainers(name, next);
}

function conflict(resource: ResourceName, name: string): ApiStatusError {
  return new ApiStatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(resource)} "${name}": ` +
      'the object has been modified; ' +
      'please apply your changes to the latest version and try again',
    { details: { name, kind: resource } },
  );
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiStatusError(
      400,
      'BadRequest',
      'the body of the request could not be decoded: ' +
        (error as Error).message,
      { cause: error },
    );
  }
}

/** Stores a changed deployment (not on dry-run) and lets controllers react. */
function commit(
  cluster: SimulatedCluster,
  current: Deployment,
  next: Deployment,
  dryRun: boolean,
): KubeObject {
  validateDeployment(current, next);
  const sent = next.metadata.resourceVersion;
  if (sent && sent !== current.metadata.resourceVersion)
    throw conflict('deployments', current.metadata.name);
  const merged: Deployment = {
    ...next,
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      ...next.metadata,
      uid: current.metadata.uid,
      namespace: current.metadata.namespace,
      creationTimestamp: current.metadata.creationTimestamp,
    },
    status: current.status ?? {},
  };
  if (dryRun) return merged;
  putWithGeneration(cluster.context, 'Deployment', merged);
  cluster.reconcile();
  return getDeployment(
    cluster,
    current.metadata.namespace ?? '',
    current.metadata.name,
  );
}

export interface WriteRequest {
  namespace: string;
  name: string;
  contentType: string | undefined;
  body: string;
  dryRun: boolean;
}

const UNSUPPORTED = [
  'the body of the request was in an unknown format - ',
  'accepted media types include: ',
  'application/json-patch+json, application/merge-patch+json, ',
  'application/apply-patch+yaml',
].join('');

function applyPatch(target: unknown, request: WriteRequest): unknown {
  const patcher = patcherFor(request.contentType);
  if (!patcher)
    throw new ApiStatusError(415, 'UnsupportedMediaType', UNSUPPORTED);
  try {
    return patcher(target, parseBody(request.body));
  } catch (error) {
    if (!(error instanceof PatchError)) throw error;
    throw new ApiStatusError(422, 'Invalid', error.message, { cause: error });
  }
}

/** `PATCH` a deployment with any of the three patch content types. */
export function patchDeployment(
  cluster: SimulatedCluster,
  request: WriteRequest,
): KubeObject {
  const current = getDeployment(cluster, request.namespace, request.name);
  const { resourceVersion: _rv, ...metadata } = current.metadata;
  const base = { ...current, metadata };
  const next = applyPatch(base, request) as Deployment;
  return commit(cluster, current, next, request.dryRun);
}

/** `PUT` a whole deployment, with optimistic concurrency on resourceVersion. */
export function replaceDeployment(
  cluster: SimulatedCluster,
  request: WriteRequest,
): KubeObject {
  const current = getDeployment(cluster, request.namespace, request.name);
  return commit(
    cluster,
    current,
    parseBody(request.body) as Deployment,
    request.dryRun,
  );
}

/** The `autoscaling/v1` Scale view of a deployment. */
export function scaleOf(
  cluster: SimulatedCluster,
  namespace: string,
  name: string,
) {
  const d = getDeployment(cluster, namespace, name);
  const selector = Object.entries(d.spec.selector.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name,
      namespace,
      uid: d.metadata.uid,
      resourceVersion: d.metadata.resourceVersion,
      creationTimestamp: d.metadata.creationTimestamp,
    },
    spec: { replicas: d.spec.replicas ?? 1 },
    status: { replicas: Number(d.status?.replicas ?? 0), selector },
  };
}

/** `PATCH` or `PUT` of `deployments/{name}/scale` (kubectl scale). */
export function writeScale(
  cluster: SimulatedCluster,
  request: WriteRequest,
  patch: boolean,
) {
  const scale = scaleOf(cluster, request.namespace, request.name);
  const next = (
    patch ? applyPatch(scale, request) : parseBody(request.body)
  ) as { spec?: { replicas?: number } };
  const current = getDeployment(cluster, request.namespace, request.name);
  const updated = structuredClone(current);
  updated.spec.replicas = next.spec?.replicas ?? 0;
  updated.metadata.resourceVersion = undefined;
  commit(cluster, current, updated, request.dryRun);
  return { ...scale, spec: { replicas: updated.spec.replicas } };
}

/** `DELETE` a pod: graceful, so it shows as terminating for a moment. */
export function removePod(
  cluster: SimulatedCluster,
  namespace: string,
  name: string,
  dryRun: boolean,
) {
  const pod = getObject(cluster, 'pods', namespace, name) as Pod;
  if (dryRun)
    return {
      ...pod,
      metadata: {
        ...pod.metadata,
        deletionTimestamp: isoSeconds(cluster.now()),
      },
    };
  deletePod(cluster.context, pod);
  cluster.reconcile();
  return cluster.context.store.get('Pod', namespace, name) ?? pod;
}
