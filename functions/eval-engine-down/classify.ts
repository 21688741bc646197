import type {
  CoreV1Event,
  V1ContainerStateTerminated,
  V1ContainerStatus,
  V1Pod,
} from '@kubernetes/client-node';
import { toMillis } from '#shared/kube/time.ts';

/** What is wrong with one pod, most specific first. */
export const POD_FAULTS = [
  'oom-killed',
  'image-pull',
  'unschedulable',
  'crash-loop',
  'not-ready',
  'healthy',
] as const;
export type PodFault = (typeof POD_FAULTS)[number];

export interface PodClassification {
  pod: string;
  fault: PodFault;
  /** The container the fault was read from, when it is a container's. */
  container: string | null;
  /** The Kubernetes reason as given, e.g. `CrashLoopBackOff`. */
  reason: string | null;
  /** The message that explains it (scheduler, kubelet), when there is one. */
  message: string | null;
  image: string | null;
  restarts: number;
}

const IMAGE_PULL = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
]);

type ContainerFault = Pick<PodClassification, 'fault' | 'reason' | 'message'>;

/**
 * How long a past OOM kill counts against a container that runs and is
 * ready again: long enough to catch one that is about to be killed again,
 * short enough that an OOM from days ago does not outrank a fault of now.
 */
export const RECENT_OOM_MS = 30 * 60_000;

/**
 * Classifies a pod from its containers' states before its phase: a pod
 * whose container was OOM-killed can be `Running` again, and a pod that
 * cannot pull its image is `Pending` like one that cannot be scheduled.
 * Init containers come first since an app container never starts without
 * them. Events (FailedScheduling) give the scheduler's reason when the
 * pod's own condition has none.
 */
export function classifyPod(
  pod: V1Pod,
  events: CoreV1Event[] = [],
  now: Date = new Date(),
): PodClassification {
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  const found = worstContainer(statuses, now);
  if (found) {
    return describe(pod, found.status, found.fault);
  }
  const unschedulable = schedulingFault(pod, events);
  if (unschedulable) {
    return describe(pod, null, unschedulable);
  }

  return describe(pod, null, readiness(pod));
}

function worstContainer(
  statuses: V1ContainerStatus[],
  now: Date,
): { status: V1ContainerStatus; fault: ContainerFault } | null {
  let worst: { status: V1ContainerStatus; fault: ContainerFault } | null = null;
  for (const status of statuses) {
    const fault = containerFault(status, now);
    if (fault && (!worst || rank(fault.fault) < rank(worst.fault.fault))) {
      worst = { status, fault };
    }
  }
  return worst;
}

function rank(fault: PodFault): number {
  return POD_FAULTS.indexOf(fault);
}

/**
 * One container's fault; OOM wins whatever the exit code says. A past OOM
 * kill (lastState) counts only while it still matters, see `currentOom`.
 */
export function containerFault(
  status: V1ContainerStatus,
  now: Date = new Date(),
): ContainerFault | null {
  const oom = currentOom(status, now);
  if (oom) {
    const message = `exit code ${oom.exitCode ?? 'unknown'}`;
    return { fault: 'oom-killed', reason: 'OOMKilled', message };
  }
  const waiting = status.state?.waiting;
  if (waiting?.reason && IMAGE_PULL.has(waiting.reason)) {
    return {
      fault: 'image-pull',
      reason: waiting.reason,
      message: waiting.message ?? null,
    };
  }
  if (waiting?.reason === 'CrashLoopBackOff') {
    return {
      fault: 'crash-loop',
      reason: waiting.reason,
      message: waiting.message ?? null,
    };
  }
  return null;
}

/**
 * The OOM kill that describes the container now: its current termination,
 * or its last one while it is not running and ready again (crash-looping,
 * starting) or was killed within `RECENT_OOM_MS`. A container running and
 * ready since an old OOM kill is healthy.
 */
function currentOom(
  status: V1ContainerStatus,
  now: Date,
): V1ContainerStateTerminated | null {
  const current = status.state?.terminated;
  if (current?.reason === 'OOMKilled') {
    return current;
  }
  const last = status.lastState?.terminated;
  if (last?.reason !== 'OOMKilled') {
    return null;
  }
  const runningReady = status.state?.running !== undefined && status.ready;
  return !runningReady || isRecent(last.finishedAt, now) ? last : null;
}

function isRecent(at: Date | string | undefined, now: Date): boolean {
  const millis = toMillis(at);
  return millis !== null && now.getTime() - millis <= RECENT_OOM_MS;
}

function schedulingFault(
  pod: V1Pod,
  events: CoreV1Event[],
): ContainerFault | null {
  const condition = pod.status?.conditions?.find(
    (c) => c.type === 'PodScheduled' && c.status === 'False',
  );
  const event = lastSchedulingEvent(pod, events);
  if (!condition && !event) {
    return null;
  }

  const message = condition?.message ?? event?.message ?? null;
  const reason = condition?.reason ?? event?.reason ?? 'Unschedulable';
  return { fault: 'unschedulable', reason, message };
}

function lastSchedulingEvent(
  pod: V1Pod,
  events: CoreV1Event[],
): CoreV1Event | null {
  if (pod.status?.phase !== 'Pending') {
    return null;
  }
  const name = pod.metadata?.name;
  const matching = events.filter(
    (e) => e.reason === 'FailedScheduling' && e.involvedObject?.name === name,
  );
  return matching.at(-1) ?? null;
}

function readiness(pod: V1Pod): ContainerFault {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (pod.status?.phase === 'Running' && ready?.status === 'True') {
    return { fault: 'healthy', reason: null, message: null };
  }
  const reason = ready?.reason ?? pod.status?.phase ?? null;
  return { fault: 'not-ready', reason, message: ready?.message ?? null };
}

function describe(
  pod: V1Pod,
  status: V1ContainerStatus | null,
  fault: ContainerFault,
): PodClassification {
  const all = pod.status?.containerStatuses ?? [];
  return {
    pod: pod.metadata?.name ?? '',
    ...fault,
    container: status?.name ?? null,
    image: status?.image ?? pod.spec?.containers[0]?.image ?? null,
    restarts: all.reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
  };
}

/**
 * Scheduler reasons from a FailedScheduling message, e.g. `Insufficient
 * cpu`, `node(s) didn't match node selector`. Formats differ a lot across
 * Kubernetes versions; the preemption tail is dropped and an unknown shape
 * comes back whole rather than guessed at.
 */
export function schedulerReasons(message: string): string[] {
  const head = message.split(/\s*preemption:/)[0] ?? message;
  const counted = /^\d+\/\d+ nodes are available:\s*(.*?)\.?$/s.exec(
    head.trim(),
  );
  if (!counted?.[1]) {
    return [head.trim()];
  }
  return splitReasons(counted[1]).map((r) => r.replace(/^\d+\s+/, ''));
}

/** Splits on commas outside braces: taints hold `{key: value}`. */
function splitReasons(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of list) {
    depth += char === '{' ? 1 : char === '}' ? -1 : 0;
    if (char === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  return [...parts, current.trim()].filter((p) => p !== '');
}
