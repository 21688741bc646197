import type {
  CoreV1Event,
  V1Deployment,
  V1Endpoints,
  V1Pod,
  V1ReplicaSet,
  V1Service,
} from '@kubernetes/client-node';

/**
 * The Kubernetes calls the playbooks use, one object argument each. The
 * client in `client.ts` implements it over the real HTTP API; tests and the
 * local world point that same client at the simulated cluster.
 */
export interface Cluster {
  listPods(args: ListArgs): Promise<V1Pod[]>;
  /** Events sorted oldest first by `eventTime()`. */
  listEvents(args: ListEventsArgs): Promise<CoreV1Event[]>;
  /** The log text; null when the pod or container does not exist. */
  readLogs(args: ReadLogsArgs): Promise<string | null>;
  readDeployment(args: NamedArgs): Promise<V1Deployment | null>;
  /** Throws KubeNotFoundError when the deployment is missing. */
  patchDeployment(args: PatchArgs): Promise<V1Deployment>;
  /**
   * `kubectl rollout restart`, marked as started by us; throws
   * KubeConflictError when the deployment changed since `seen`.
   */
  restartDeployment(args: RestartArgs): Promise<V1Deployment>;
  listReplicaSets(args: ListArgs): Promise<V1ReplicaSet[]>;
  readService(args: NamedArgs): Promise<V1Service | null>;
  readEndpoints(args: NamedArgs): Promise<V1Endpoints | null>;
  /** GET through the API server's service proxy; any HTTP status returns. */
  proxyGet(args: ProxyGetArgs): Promise<ProxyResponse>;
  waitForRollout(args: WaitForRolloutArgs): Promise<RolloutResult>;
}

export interface ListArgs {
  namespace: string;
  /** e.g. `app=tars-eval-engine`; all objects when absent. */
  labelSelector?: string;
}

export interface ListEventsArgs {
  namespace: string;
  /** Only events about this object (pod, deployment, replica set). */
  involvedObjectName?: string;
}

export interface NamedArgs {
  namespace: string;
  name: string;
}

export interface ReadLogsArgs {
  namespace: string;
  pod: string;
  container?: string;
  tailLines: number;
  /** The previous (crashed) container instance's log. */
  previous?: boolean;
}

export const PATCH_TYPES = ['strategic', 'merge', 'json'] as const;
export type PatchType = (typeof PATCH_TYPES)[number];

export interface PatchArgs extends NamedArgs {
  /** An object for strategic and merge patches, a list of ops for json. */
  patch: object;
  type: PatchType;
}

export interface RestartArgs extends NamedArgs {
  /** ISO time written as `kubectl.kubernetes.io/restartedAt`. */
  at: string;
  /** Who started the rollout, e.g. the incident id. */
  by: string;
  /**
   * The deployment as the caller read it when deciding to restart: its
   * resourceVersion guards the patch (409, KubeConflictError, when anyone
   * changed it since) and its generation names our rollout.
   */
  seen: V1Deployment;
}

export interface ProxyGetArgs {
  namespace: string;
  service: string;
  port: number | string;
  /** e.g. `/health`. */
  path: string;
}

export interface ProxyResponse {
  status: number;
  /** Parsed JSON when the body is JSON, else the text. */
  body: unknown;
}

export interface WaitForRolloutArgs extends NamedArgs {
  timeoutMs: number;
  pollMs: number;
  signal?: AbortSignal;
}

export const ROLLOUT_STATES = ['done', 'failed', 'timeout'] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];

/** A rollout's progress as far as one reading can tell. */
export const ROLLOUT_PROGRESS = ['done', 'failed', 'progressing'] as const;
export type RolloutProgress = (typeof ROLLOUT_PROGRESS)[number];

export interface RolloutStatus {
  generation: number;
  observedGeneration: number;
  replicas: number;
  updated: number;
  ready: number;
  available: number;
  /** All pods, old and new (`status.replicas`). */
  total: number;
}

export interface RolloutResult {
  state: RolloutState;
  reason: string;
  status: RolloutStatus | null;
}

/** Annotation marking a rollout that the automation started. */
export const ROLLOUT_BY_ANNOTATION = 'oncall.tars/rollout-by';
/** Annotation `kubectl rollout restart` sets on the pod template. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';
