import { readinessDelay } from './behaviour.ts';
import type { ContainerSim, PodSim, SimContext } from './context.ts';
import { backoffMs } from './kubelet.ts';
import { simulatePod } from './pods.ts';
import { parseQuantity } from './quantity.ts';
import type { Pod } from './types.ts';

interface SeenStatus {
  name: string;
  image?: string;
  restartCount?: number;
  state?: {
    running?: { startedAt?: string };
    waiting?: { reason?: string; message?: string };
  };
  lastState?: {
    terminated?: {
      exitCode?: number;
      reason?: string;
      startedAt?: string;
      finishedAt?: string;
    };
  };
}

const time = (text: string | undefined, fallback: number) => {
  const parsed = Date.parse(text ?? '');
  return Number.isNaN(parsed) ? fallback : parsed;
};

function adoptTerminated(c: ContainerSim, seen: SeenStatus, now: number) {
  const t = seen.lastState?.terminated;
  if (!t) return;
  c.lastTerminated = {
    exitCode: t.exitCode ?? 1,
    reason: t.reason ?? 'Error',
    startedAt: time(t.startedAt, now),
    finishedAt: time(t.finishedAt, now),
    containerID: '',
  };
}

/** Keeps a seeded fault going: a crash-looping pod keeps crashing. */
function adoptFault(
  context: SimContext,
  sim: PodSim,
  pod: Pod,
  seen: SeenStatus,
) {
  const reason = seen.state?.waiting?.reason;
  const spec = pod.spec.containers.find((x) => x.name === seen.name);
  if (reason === 'ImagePullBackOff' || reason === 'ErrImagePull') {
    context.faults.missingImages.add(seen.image ?? spec?.image ?? '');
  }
  if (reason !== 'CrashLoopBackOff') return;
  if (seen.lastState?.terminated?.reason === 'OOMKilled') {
    const limit = parseQuantity(spec?.resources?.limits?.memory) ?? 2 ** 30;
    context.faults.oomNeeds.set(sim.deployment, limit * 1.5);
    return;
  }
  const hashes =
    context.faults.crashing.get(sim.deployment) ?? new Set<string>();
  hashes.add(sim.templateHash);
  context.faults.crashing.set(sim.deployment, hashes);
}

function adoptContainer(
  context: SimContext,
  c: ContainerSim,
  seen: SeenStatus,
  deployment: string,
) {
  const now = context.clock.now();
  c.restarts = seen.restartCount ?? 0;
  const running = seen.state?.running;
  const waiting = seen.state?.waiting?.reason;
  if (running) {
    c.stage = 'running';
    c.startedAt = time(running.startedAt, now);
    c.readyAt = now + readinessDelay(deployment) / 4;
    c.containerId = `containerd://${context.random.hex(64)}`;
  } else if (waiting === 'CrashLoopBackOff') {
    c.stage = 'crash-backoff';
    c.until = now + backoffMs(Math.max(1, c.restarts));
  } else if (waiting === 'ImagePullBackOff' || waiting === 'ErrImagePull') {
    c.stage = 'pull-backoff';
    c.pullFailures = 1;
    c.until = now + backoffMs(1);
  } else {
    c.until = now + 1_000;
  }
  c.waitingReason = waiting ?? 'ContainerCreating';
  c.waitingMessage = seen.state?.waiting?.message ?? '';
  adoptTerminated(c, seen, now);
}

/** Starts simulating a pod taken from a seed, from the state it shows. */
export function adoptPod(
  context: SimContext,
  pod: Pod,
  deployment: string,
  hash: string,
): void {
  const sim = simulatePod(context, pod, deployment, hash);
  const status = (pod.status ?? {}) as {
    podIP?: string;
    hostIP?: string;
    startTime?: string;
    containerStatuses?: SeenStatus[];
  };
  if (!pod.spec.nodeName) return;
  sim.scheduled = true;
  sim.node = pod.spec.nodeName;
  sim.podIp = status.podIP ?? '10.0.250.2';
  sim.hostIp = status.hostIP ?? '10.0.1.10';
  sim.startTime = time(status.startTime, context.clock.now());
  for (const c of sim.containers) {
    const seen = (status.containerStatuses ?? []).find(
      (s) => s.name === c.name,
    );
    if (!seen) {
      c.until = context.clock.now() + 1_000;
      continue;
    }
    adoptContainer(context, c, seen, deployment);
    adoptFault(context, sim, pod, seen);
  }
}
