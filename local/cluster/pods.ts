import { isoSeconds } from './clock.ts';
import type { ContainerSim, PodSim, SimContext } from './context.ts';
import { recordEvent } from './events.ts';
import { beginDelete, startPulls, tickContainer } from './kubelet.ts';
import { parseQuantity } from './quantity.ts';
import type { Pod } from './types.ts';

const SCHEDULE_RETRY_MS = 60_000;

const requestedMemory = (pod: Pod) =>
  pod.spec.containers.reduce(
    (sum, c) => sum + (parseQuantity(c.resources?.requests?.memory) ?? 0),
    0,
  );

function freeMemory(context: SimContext, node: string, allocatable: number) {
  if (context.faults.nodeFreeMemory !== null) {
    return context.faults.nodeFreeMemory;
  }
  const used = context.store
    .list('Pod')
    .filter((p) => (p as Pod).spec.nodeName === node)
    .reduce((sum, p) => sum + requestedMemory(p as Pod), 0);
  return allocatable - used;
}

function unschedulableMessage(count: number): string {
  return (
    `0/${count} nodes are available: ${count} Insufficient memory. ` +
    `preemption: 0/${count} nodes are available: ` +
    `${count} No preemption victims found for incoming pod.`
  );
}

/** The scheduler: first node with room for the pod's memory request. */
function trySchedule(context: SimContext, sim: PodSim, pod: Pod): void {
  const now = context.clock.now();
  if (now < sim.nextScheduleAt) return;
  const needed = requestedMemory(pod);
  const node = context.nodes
    .map((n) => ({
      ...n,
      free: freeMemory(context, n.name, n.allocatableMemory),
    }))
    .filter((n) => n.free >= needed)
    .sort((a, b) => b.free - a.free)[0];
  if (!node) {
    sim.unschedulableMessage = unschedulableMessage(context.nodes.length);
    sim.nextScheduleAt = now + SCHEDULE_RETRY_MS;
    recordEvent(context, pod, {
      type: 'Warning',
      reason: 'FailedScheduling',
      message: sim.unschedulableMessage,
      component: 'default-scheduler',
    });
    return;
  }
  bind(context, sim, pod, node);
}

function bind(
  context: SimContext,
  sim: PodSim,
  pod: Pod,
  node: { name: string; ip: string },
): void {
  context.nextIp.value += 1;
  const n = context.nextIp.value;
  sim.scheduled = true;
  sim.unschedulableMessage = null;
  sim.node = node.name;
  sim.hostIp = node.ip;
  sim.podIp = `10.0.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
  sim.startTime = context.clock.now();
  const bound = structuredClone(pod);
  bound.spec.nodeName = node.name;
  context.store.put('Pod', bound);
  const podName = `${sim.namespace}/${sim.name}`;
  recordEvent(context, pod, {
    type: 'Normal',
    reason: 'Scheduled',
    message: `Successfully assigned ${podName} to ${node.name}`,
    component: 'default-scheduler',
  });
  startPulls(context, sim, pod);
}

const isReady = (c: ContainerSim, now: number) =>
  c.stage === 'running' && c.readyAt !== null && c.readyAt <= now;

function containerState(c: ContainerSim) {
  if (c.stage === 'running') {
    return { running: { startedAt: isoSeconds(c.startedAt ?? 0) } };
  }
  const fresh = c.stage === 'pulling' && c.pullFailures === 0;
  if (fresh) return { waiting: { reason: 'ContainerCreating' } };
  return { waiting: { reason: c.waitingReason, message: c.waitingMessage } };
}

function lastState(c: ContainerSim) {
  const t = c.lastTerminated;
  if (!t) return {};
  return {
    terminated: {
      exitCode: t.exitCode,
      reason: t.reason,
      startedAt: isoSeconds(t.startedAt),
      finishedAt: isoSeconds(t.finishedAt),
      containerID: t.containerID,
    },
  };
}

function containerStatus(c: ContainerSim, now: number, deleting: boolean) {
  return {
    name: c.name,
    image: c.image,
    imageID: c.imageId,
    ...(c.startedAt !== null ? { containerID: c.containerId } : {}),
    ready: !deleting && isReady(c, now),
    started: c.stage === 'running',
    restartCount: c.restarts,
    state: containerState(c),
    lastState: lastState(c),
  };
}

function condition(
  sim: PodSim,
  type: string,
  ok: boolean,
  now: number,
  extra: Record<string, string> = {},
) {
  const status = ok ? 'True' : 'False';
  const previous = sim.conditionTimes[type];
  if (!previous || previous.status !== status) {
    sim.conditionTimes[type] = { status, at: now };
  }
  const at = sim.conditionTimes[type]?.at ?? now;
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: isoSeconds(at),
    ...extra,
  };
}

function podConditions(sim: PodSim, now: number, deleting: boolean) {
  if (!sim.scheduled) {
    return [
      condition(sim, 'PodScheduled', false, now, {
        reason: 'Unschedulable',
        message: sim.unschedulableMessage ?? '',
      }),
    ];
  }
  const unready = sim.containers.filter((c) => deleting || !isReady(c, now));
  const ready = unready.length === 0;
  const names = unready.map((c) => c.name).join(' ');
  const why: Record<string, string> = ready
    ? {}
    : {
        reason: 'ContainersNotReady',
        message: `containers with unready status: [${names}]`,
      };
  return [
    condition(sim, 'PodReadyToStartContainers', true, now),
    condition(sim, 'Initialized', true, now),
    condition(sim, 'Ready', ready, now, why),
    condition(sim, 'ContainersReady', ready, now, why),
    condition(sim, 'PodScheduled', true, now),
  ];
}

/** The pod's `status` as the kubelet reports it. */
function renderStatus(sim: PodSim, pod: Pod, now: number) {
  const deleting = sim.deleteAt !== null;
  const started = sim.containers.some((c) => c.startedAt !== null);
  const base = {
    phase: started ? 'Running' : 'Pending',
    conditions: podConditions(sim, now, deleting),
    qosClass: pod.status?.qosClass ?? 'Burstable',
  };
  if (!sim.scheduled) return base;
  return {
    ...base,
    hostIP: sim.hostIp,
    hostIPs: [{ ip: sim.hostIp }],
    podIP: sim.podIp,
    podIPs: [{ ip: sim.podIp }],
    startTime: isoSeconds(sim.startTime ?? now),
    containerStatuses: sim.containers.map((c) =>
      containerStatus(c, now, deleting),
    ),
  };
}

/** One scheduler and kubelet step for a pod; writes its status back. */
export function tickPod(context: SimContext, sim: PodSim): void {
  const pod = context.store
    .list('Pod', sim.namespace)
    .find((p) => p.metadata.uid === sim.uid) as Pod | undefined;
  if (!pod) {
    context.pods.delete(sim.uid);
    return;
  }
  const now = context.clock.now();
  if (sim.deleteAt !== null && now >= sim.deleteAt) {
    context.store.remove('Pod', sim.namespace, sim.name);
    context.pods.delete(sim.uid);
    return;
  }
  if (!sim.scheduled) trySchedule(context, sim, pod);
  else if (sim.deleteAt === null) {
    for (const c of sim.containers) tickContainer(context, sim, pod, c);
  }
  const fresh = context.store.get('Pod', sim.namespace, sim.name) as Pod | null;
  if (!fresh) return;
  context.store.put('Pod', { ...fresh, status: renderStatus(sim, fresh, now) });
}

/** Deletes a pod gracefully (or at once when nothing simulates it). */
export function deletePod(context: SimContext, pod: Pod): void {
  const sim = context.pods.get(pod.metadata.uid ?? '');
  if (!sim) {
    context.store.remove(
      'Pod',
      pod.metadata.namespace ?? '',
      pod.metadata.name,
    );
    return;
  }
  if (sim.deleteAt !== null) return;
  beginDelete(context, sim, pod);
  const now = context.clock.now();
  const fresh = context.store.get('Pod', sim.namespace, sim.name) as Pod | null;
  if (!fresh) return;
  fresh.metadata.deletionTimestamp = isoSeconds(now + 30_000);
  fresh.metadata.deletionGracePeriodSeconds = 30;
  context.store.put('Pod', { ...fresh, status: renderStatus(sim, fresh, now) });
}

const newContainerSim = (name: string, image: string): ContainerSim => ({
  name,
  image,
  stage: 'pulling',
  until: Number.POSITIVE_INFINITY,
  waitingReason: 'ContainerCreating',
  waitingMessage: '',
  fate: { kind: 'ok' },
  startedAt: null,
  readyAt: null,
  exitAt: null,
  restarts: 0,
  pullFailures: 0,
  containerId: '',
  imageId: '',
  lastTerminated: null,
  logs: [],
  previousLogs: [],
  nextChatterAt: 0,
});

/** Starts simulating a freshly created pod (Pending, not yet scheduled). */
export function simulatePod(
  context: SimContext,
  pod: Pod,
  deployment: string,
  templateHash: string,
): PodSim {
  const sim: PodSim = {
    uid: pod.metadata.uid ?? '',
    namespace: pod.metadata.namespace ?? 'default',
    name: pod.metadata.name,
    deployment,
    templateHash,
    scheduled: false,
    nextScheduleAt: context.clock.now() + 1_000,
    unschedulableMessage: null,
    podIp: '',
    hostIp: '',
    node: '',
    startTime: null,
    deleteAt: null,
    containers: pod.spec.containers.map((c) =>
      newContainerSim(c.name, c.image),
    ),
    conditionTimes: {},
  };
  context.pods.set(sim.uid, sim);
  return sim;
}
