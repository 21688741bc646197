import type { V1Deployment } from '@kubernetes/client-node';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { config } from '#shared/config.ts';
import { call, callOrNull } from './call.ts';
import { proxyGet } from './proxy.ts';
import { ownRolloutMark } from './rollout.ts';
import { sortEventsByTime } from './time.ts';
import type {
  Cluster,
  ListArgs,
  ListEventsArgs,
  NamedArgs,
  PatchArgs,
  PatchType,
  ReadLogsArgs,
  RestartArgs,
} from './types.ts';
import { RESTARTED_AT_ANNOTATION } from './types.ts';
import { waitForRollout } from './wait.ts';

/** Where the client's credentials and server come from. */
export interface KubeClientOptions {
  /** A kubeconfig file; defaults to `KUBECONFIG` from the configuration. */
  kubeconfigPath?: string;
  /** Kubeconfig text, e.g. the simulated cluster's. */
  kubeconfigYaml?: string;
  /** A ready KubeConfig; wins over the other options. */
  kubeConfig?: KubeConfig;
}

const CONTENT_TYPES: Record<PatchType, string> = {
  strategic: PatchStrategy.StrategicMergePatch,
  merge: PatchStrategy.MergePatch,
  json: PatchStrategy.JsonPatch,
};

/**
 * Loads the kubeconfig. Without a path or text it falls back to the
 * in-cluster service account; EKS token auth (a presigned STS
 * GetCallerIdentity as bearer token) will plug in here.
 */
export function loadKubeConfig(options: KubeClientOptions = {}): KubeConfig {
  if (options.kubeConfig) {
    return options.kubeConfig;
  }
  const kc = new KubeConfig();
  const path = options.kubeconfigPath ?? config().KUBECONFIG;
  if (options.kubeconfigYaml) {
    kc.loadFromString(options.kubeconfigYaml);
  } else if (path) {
    kc.loadFromFile(path);
  } else {
    kc.loadFromCluster();
  }
  return kc;
}

/**
 * Builds the Kubernetes adapter once (at module scope in a handler).
 *
 * @example
 * const cluster = createKubeClient({ kubeconfigPath: '~/.kube/config' });
 * const pods = await cluster.listPods({
 *   namespace: 'tars',
 *   labelSelector: 'app=tars-eval-engine',
 * });
 */
export function createKubeClient(options: KubeClientOptions = {}): Cluster {
  const kc = loadKubeConfig(options);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const cluster: Cluster = {
    listPods: (args) => listPods(core, args),
    listEvents: (args) => listEvents(core, args),
    readLogs: (args) => readLogs(core, args),
    readDeployment: (args) => readDeployment(apps, args),
    patchDeployment: (args) => patchDeployment(apps, args),
    restartDeployment: (args) => restartDeployment(apps, args),
    listReplicaSets: (args) => listReplicaSets(apps, args),
    readService: (args) => readService(core, args),
    readEndpoints: (args) => readEndpoints(core, args),
    proxyGet: (args) => proxyGet(core, args),
    waitForRollout: (args) => waitForRollout(cluster, args),
  };
  return cluster;
}

async function listPods(core: CoreV1Api, args: ListArgs) {
  const request = { verb: 'list', kind: 'pods', namespace: args.namespace };
  const list = await call(request, () => core.listNamespacedPod(args));
  return list.items;
}

async function listEvents(core: CoreV1Api, args: ListEventsArgs) {
  const request = { verb: 'list', kind: 'events', namespace: args.namespace };
  const fieldSelector = args.involvedObjectName
    ? `involvedObject.name=${args.involvedObjectName}`
    : undefined;
  const list = await call(request, () =>
    core.listNamespacedEvent({ namespace: args.namespace, fieldSelector }),
  );
  return sortEventsByTime(list.items);
}

function readLogs(core: CoreV1Api, args: ReadLogsArgs) {
  const { namespace, pod, container, tailLines, previous } = args;
  const request = { verb: 'get', kind: 'pods/log', namespace, name: pod };
  return callOrNull(request, () =>
    core.readNamespacedPodLog({
      namespace,
      name: pod,
      container,
      tailLines,
      previous,
    }),
  );
}

function readDeployment(apps: AppsV1Api, args: NamedArgs) {
  const request = { verb: 'get', kind: 'deployments', ...args };
  return callOrNull(request, () => apps.readNamespacedDeployment(args));
}

function patchDeployment(apps: AppsV1Api, args: PatchArgs) {
  const { namespace, name, patch, type } = args;
  const request = { verb: 'patch', kind: 'deployments', namespace, name };
  const options = setHeaderOptions('Content-Type', CONTENT_TYPES[type]);
  return call(request, () =>
    apps.patchNamespacedDeployment({ namespace, name, body: patch }, options),
  );
}

/**
 * What `kubectl rollout restart` does (a new template annotation), plus
 * our mark, so a later run knows this rollout is ours, not a person's. No
 * re-read here: the patch carries the resourceVersion the caller decided
 * on, so a change made since (a person's rollout) answers 409.
 */
function restartDeployment(
  apps: AppsV1Api,
  args: RestartArgs,
): Promise<V1Deployment> {
  const { namespace, name, at, by, seen } = args;
  const patch = {
    metadata: ownRolloutMark(seen, by),
    spec: {
      template: {
        metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: at } },
      },
    },
  };
  return patchDeployment(apps, { namespace, name, patch, type: 'strategic' });
}

async function listReplicaSets(apps: AppsV1Api, args: ListArgs) {
  const request = {
    verb: 'list',
    kind: 'replicasets',
    namespace: args.namespace,
  };
  const list = await call(request, () => apps.listNamespacedReplicaSet(args));
  return list.items;
}

function readService(core: CoreV1Api, args: NamedArgs) {
  const request = { verb: 'get', kind: 'services', ...args };
  return callOrNull(request, () => core.readNamespacedService(args));
}

function readEndpoints(core: CoreV1Api, args: NamedArgs) {
  const request = { verb: 'get', kind: 'endpoints', ...args };
  return callOrNull(request, () => core.readNamespacedEndpoints(args));
}
