import {
  chatterLine,
  decideFate,
  readinessDelay,
  startLogs,
  toLogLine,
} from './behaviour.ts';
import type { ContainerSim, Fate, PodSim, SimContext } from './context.ts';
import { recordEvent } from './events.ts';
import type { Container, Pod } from './types.ts';

/** Simulated durations of the kubelet's steps. */
const PULL_MS = 4_000;
const CHATTER_MS = 30_000;
const SHUTDOWN_MS = 2_000;
const MAX_BACKOFF_MS = 300_000;
const LOG_LIMIT = 2_000;

/** Kubelet back-off: 10 s doubling per failure, capped at five minutes. */
export const backoffMs = (failures: number) =>
  Math.min(10_000 * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_MS);

const specOf = (pod: Pod, name: string): Container | undefined =>
  pod.spec.containers.find((c) => c.name === name);

const ref = (c: ContainerSim) => `spec.containers{${c.name}}`;

type Said = ['Normal' | 'Warning', string, string];

/** One kubelet step on one container of a pod. */
type ContainerStep = (
  context: SimContext,
  sim: PodSim,
  pod: Pod,
  c: ContainerSim,
) => void;

/** What the container's next run does under the faults now in force. */
function fateFor(context: SimContext, sim: PodSim, spec: Container): Fate {
  return decideFate(context.faults, sim.deployment, sim.templateHash, spec);
}

/** Records a kubelet event about one container of a pod. */
function say(
  context: SimContext,
  sim: PodSim,
  pod: Pod,
  c: ContainerSim,
  [type, reason, message]: Said,
): void {
  recordEvent(context, pod, {
    type,
    reason,
    message,
    component: 'kubelet',
    host: sim.node,
    fieldPath: ref(c),
  });
}

/** Starts (or restarts) a container under whatever faults are in force. */
const startContainer: ContainerStep = (context, sim, pod, c) => {
  const now = context.clock.now();
  const spec = specOf(pod, c.name);
  if (!spec) return;
  const fate = fateFor(context, sim, spec);
  c.containerId = `containerd://${context.random.hex(64)}`;
  c.stage = 'running';
  c.startedAt = now;
  c.logs = startLogs(fate, sim.deployment, spec, now);
  c.nextChatterAt = now + CHATTER_MS;
  applyFate(context, sim, c, fate);
  say(context, sim, pod, c, [
    'Normal',
    'Created',
    `Created container ${c.name}`,
  ]);
  say(context, sim, pod, c, [
    'Normal',
    'Started',
    `Started container ${c.name}`,
  ]);
};

function applyFate(
  context: SimContext,
  sim: PodSim,
  c: ContainerSim,
  fate: Fate,
): void {
  const now = context.clock.now();
  c.fate = fate;
  c.exitAt = fate.kind === 'exit' ? now + fate.afterMs : null;
  c.readyAt = fate.kind === 'ok' ? now + readinessDelay(sim.deployment) : null;
}

const startPull: ContainerStep = (context, sim, pod, c) => {
  c.stage = 'pulling';
  c.until = context.clock.now() + PULL_MS;
  say(context, sim, pod, c, [
    'Normal',
    'Pulling',
    `Pulling image "${c.image}"`,
  ]);
};

const pullFailed: ContainerStep = (context, sim, pod, c) => {
  const name = c.image.includes('/') ? c.image : `library/${c.image}`;
  const reference = `docker.io/${name}`;
  const detail =
    'rpc error: code = NotFound desc = ' +
    `failed to pull and unpack image "${reference}": ` +
    `failed to resolve reference "${reference}": ${reference}: not found`;
  c.pullFailures += 1;
  c.stage = 'pull-backoff';
  c.until = context.clock.now() + backoffMs(c.pullFailures);
  c.waitingReason = 'ErrImagePull';
  c.waitingMessage = detail;
  say(context, sim, pod, c, [
    'Warning',
    'Failed',
    `Failed to pull image "${c.image}": ${detail}`,
  ]);
  say(context, sim, pod, c, ['Warning', 'Failed', 'Error: ErrImagePull']);
};

const finishPull: ContainerStep = (context, sim, pod, c) => {
  if (context.faults.missingImages.has(c.image)) {
    pullFailed(context, sim, pod, c);
    return;
  }
  const digest = context.random.hex(64);
  c.imageId = `docker.io/${c.image.split(':')[0]}@sha256:${digest}`;
  const took = `${(PULL_MS / 1000).toFixed(3)}s`;
  say(context, sim, pod, c, [
    'Normal',
    'Pulled',
    `Successfully pulled image "${c.image}" ` +
      `in ${took} (${took} including waiting)`,
  ]);
  startContainer(context, sim, pod, c);
};

const pullBackoff: ContainerStep = (context, sim, pod, c) => {
  if (context.clock.now() >= c.until) {
    startPull(context, sim, pod, c);
    return;
  }
  if (c.waitingReason === 'ImagePullBackOff') return;
  c.waitingReason = 'ImagePullBackOff';
  c.waitingMessage = `Back-off pulling image "${c.image}"`;
  say(context, sim, pod, c, [
    'Normal',
    'BackOff',
    `Back-off pulling image "${c.image}"`,
  ]);
  say(context, sim, pod, c, ['Warning', 'Failed', 'Error: ImagePullBackOff']);
};

const terminate: ContainerStep = (context, sim, pod, c) => {
  const now = context.clock.now();
  const fate = c.fate;
  if (fate.kind !== 'exit') return;
  c.lastTerminated = {
    exitCode: fate.exitCode,
    reason: fate.reason,
    startedAt: c.startedAt ?? now,
    finishedAt: now,
    containerID: c.containerId,
  };
  c.restarts += 1;
  c.previousLogs = c.logs;
  c.logs = [];
  c.stage = 'crash-backoff';
  const wait = backoffMs(c.restarts);
  c.until = now + wait;
  c.waitingReason = 'CrashLoopBackOff';
  const podRef = `${sim.name}_${sim.namespace}(${sim.uid})`;
  c.waitingMessage =
    `back-off ${wait / 1000}s restarting failed ` +
    `container=${c.name} pod=${podRef}`;
  say(context, sim, pod, c, [
    'Warning',
    'BackOff',
    `Back-off restarting failed container ${c.name} in pod ${podRef}`,
  ]);
};

const restart: ContainerStep = (context, sim, pod, c) => {
  say(context, sim, pod, c, [
    'Normal',
    'Pulled',
    `Container image "${c.image}" already present on machine`,
  ]);
  startContainer(context, sim, pod, c);
};

function chatter(context: SimContext, sim: PodSim, c: ContainerSim) {
  const now = context.clock.now();
  if (now < c.nextChatterAt || c.fate.kind !== 'ok') return;
  c.nextChatterAt = now + CHATTER_MS;
  const line = chatterLine(sim.deployment, context.random);
  if (!line) return;
  c.logs.push(toLogLine(line, now));
  if (c.logs.length > LOG_LIMIT) c.logs.shift();
}

/** One kubelet step for one container. */
export const tickContainer: ContainerStep = (context, sim, pod, c) => {
  const now = context.clock.now();
  if (c.stage === 'pulling' && now >= c.until) finishPull(context, sim, pod, c);
  else if (c.stage === 'pull-backoff') pullBackoff(context, sim, pod, c);
  else if (c.stage === 'crash-backoff' && now >= c.until)
    restart(context, sim, pod, c);
  else if (c.stage === 'running' && c.exitAt !== null && now >= c.exitAt) {
    terminate(context, sim, pod, c);
  } else if (c.stage === 'running') chatter(context, sim, c);
};

/** Begins pulling every container once the pod has a node. */
export function startPulls(context: SimContext, sim: PodSim, pod: Pod): void {
  for (const c of sim.containers) startPull(context, sim, pod, c);
}

/**
 * Re-decides running containers after a fault changed: a running app may
 * now crash (dependency gone) or get ready again (dependency back).
 */
export const refreshFate: ContainerStep = (context, sim, pod, c) => {
  const spec = specOf(pod, c.name);
  if (!spec || c.stage !== 'running') return;
  const fate = fateFor(context, sim, spec);
  if (fate.kind === c.fate.kind) return;
  const wasReady = c.readyAt !== null && c.readyAt <= context.clock.now();
  const readyAt = c.readyAt;
  applyFate(context, sim, c, fate);
  if (fate.kind === 'ok' && wasReady) c.readyAt = readyAt;
  if (fate.kind !== 'ok') {
    const now = context.clock.now();
    c.logs.push(...fate.logs.map((line, i) => toLogLine(line, now + i * 37)));
  }
};

/** Starts graceful deletion: Killing events, unready, gone shortly after. */
export function beginDelete(context: SimContext, sim: PodSim, pod: Pod): void {
  if (sim.deleteAt !== null) return;
  sim.deleteAt = context.clock.now() + SHUTDOWN_MS;
  for (const c of sim.containers) {
    if (c.stage !== 'running') continue;
    say(context, sim, pod, c, [
      'Normal',
      'Killing',
      `Stopping container ${c.name}`,
    ]);
  }
}
