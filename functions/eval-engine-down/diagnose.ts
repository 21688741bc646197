import type { CoreV1Event, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { KubeError } from '#shared/kube/errors.ts';
import { eventTime } from '#shared/kube/time.ts';
import type { Cluster } from '#shared/kube/types.ts';
import type { Target } from '#shared/playbook/types.ts';
import type { PodClassification, PodFault } from './classify.ts';
import { classifyPod, POD_FAULTS } from './classify.ts';
import type { LogError } from './logs.ts';
import { findErrorLine } from './logs.ts';

/** The playbook's reads: the last 20 events and the last 100 log lines. */
export const EVENT_COUNT = 20;
export const LOG_LINES = 100;

export interface PodState {
  /** The worst fault over all pods; `no-pods` when none match. */
  fault: PodFault | 'no-pods';
  pods: PodClassification[];
  /** The pod the fault was read from. */
  primary: PodClassification | null;
  events: CoreV1Event[];
}

export interface EventSummary {
  at: string | null;
  type: string | null;
  reason: string | null;
  object: string;
  message: string | null;
  count: number;
}

export interface LogFinding {
  pod: string;
  container: string | null;
  previous: boolean;
  lines: number;
  error: LogError | null;
}

export interface Diagnosis extends PodState {
  recentEvents: EventSummary[];
  logs: LogFinding | null;
}

/**
 * Pods of the target, classified as of `now` (the playbook's clock), with
 * the namespace's events about them.
 */
export async function readPodState(
  cluster: Cluster,
  target: Target,
  now: Date = new Date(),
): Promise<PodState> {
  const { namespace } = target;
  const labelSelector = target.selector ?? undefined;
  const [pods, events, replicaSets] = await Promise.all([
    cluster.listPods({ namespace, labelSelector }),
    cluster.listEvents({ namespace }),
    cluster.listReplicaSets({ namespace, labelSelector }),
  ]);
  const objects = targetObjects(target, replicaSets, pods);
  const ours = events.filter((e) => concerns(e, objects));
  const classified = pods.map((pod) => classifyPod(pod, ours, now));
  const primary = worstPod(classified);

  return {
    fault: primary?.fault ?? 'no-pods',
    pods: classified,
    primary,
    events: ours,
  };
}

function worstPod(pods: PodClassification[]): PodClassification | null {
  const rank = (p: PodClassification) => POD_FAULTS.indexOf(p.fault);
  return pods.reduce<PodClassification | null>(
    (worst, pod) => (!worst || rank(pod) < rank(worst) ? pod : worst),
    null,
  );
}

/** `Kind/name` of the deployment, its replica sets and its pods. */
function targetObjects(
  target: Target,
  replicaSets: V1ReplicaSet[],
  pods: V1Pod[],
): Set<string> {
  const deployment = target.deployment;
  const owned = replicaSets.filter((rs) =>
    rs.metadata?.ownerReferences?.some(
      (o) => o.kind === 'Deployment' && o.name === deployment,
    ),
  );
  return new Set([
    ...(deployment ? [`Deployment/${deployment}`] : []),
    ...owned.map((rs) => `ReplicaSet/${rs.metadata?.name ?? ''}`),
    ...pods.map((pod) => `Pod/${pod.metadata?.name ?? ''}`),
  ]);
}

/**
 * Whether an event is about one of the target's own objects, by kind and
 * name: a name prefix would also take `tars-eval-engine-canary`'s events.
 */
function concerns(event: CoreV1Event, objects: Set<string>): boolean {
  const object = event.involvedObject;
  return objects.has(`${object?.kind ?? ''}/${object?.name ?? ''}`);
}

/** The newest events, oldest first, as the timeline shows them. */
export function recentEvents(
  events: CoreV1Event[],
  count = EVENT_COUNT,
): EventSummary[] {
  return events.slice(-count).map((event) => {
    const at = eventTime(event);
    const object = event.involvedObject;
    return {
      at: at === null ? null : new Date(at).toISOString(),
      type: event.type ?? null,
      reason: event.reason ?? null,
      object: `${object?.kind ?? '?'}/${object?.name ?? '?'}`,
      message: event.message ?? null,
      count: event.count ?? event.series?.count ?? 1,
    };
  });
}

/**
 * The last log lines of the faulty pod and the error among them. A crashed
 * container's own output is in the previous instance's log; when there is
 * none (the API answers 400 or 404) the current one is read instead.
 */
export async function readCrashLogs(
  cluster: Cluster,
  namespace: string,
  pod: PodClassification,
): Promise<LogFinding | null> {
  if (pod.fault === 'image-pull' || pod.fault === 'unschedulable') {
    return null;
  }
  const args = {
    namespace,
    pod: pod.pod,
    container: pod.container ?? undefined,
    tailLines: LOG_LINES,
  };
  const crashed = pod.restarts > 0 || pod.fault === 'crash-loop';
  const previous = crashed ? await readPrevious(cluster, args) : null;
  const text = previous ?? (await cluster.readLogs(args)) ?? '';

  return {
    pod: pod.pod,
    container: pod.container,
    previous: previous !== null,
    lines: text === '' ? 0 : text.trimEnd().split('\n').length,
    error: findErrorLine(text),
  };
}

async function readPrevious(
  cluster: Cluster,
  args: Parameters<Cluster['readLogs']>[0],
): Promise<string | null> {
  try {
    return await cluster.readLogs({ ...args, previous: true });
  } catch (error) {
    if (error instanceof KubeError && error.statusCode === 400) {
      return null;
    }
    throw error;
  }
}

/** Pods, the last events and the crash logs, read in one go. */
export async function diagnose(
  cluster: Cluster,
  target: Target,
  now: Date = new Date(),
): Promise<Diagnosis> {
  const state = await readPodState(cluster, target, now);
  const logs = state.primary
    ? await readCrashLogs(cluster, target.namespace, state.primary)
    : null;
  return { ...state, recentEvents: recentEvents(state.events), logs };
}
