import { isoSeconds } from './clock.ts';
import type { DeploymentSim, SimContext } from './context.ts';
import { recordEvent } from './events.ts';
import { getOrCreate } from './maps.ts';
import {
  compact,
  controllerRef,
  isOwnedBy,
  isPodReady,
  newMeta,
  putWithGeneration,
  sameTemplate,
} from './objects.ts';
import { canonicalJson, templateHash } from './random.ts';
import { activePods } from './replicaset-controller.ts';
import type { Condition, Deployment, ReplicaSet } from './types.ts';

const REVISION = 'deployment.kubernetes.io/revision';

const revisionOf = (rs: ReplicaSet) =>
  Number(rs.metadata.annotations?.[REVISION] ?? 0);

/** Replica counts decided during this pass, ahead of the store. */
const pending = new WeakMap<ReplicaSet, number>();

const replicasOf = (rs: ReplicaSet) => pending.get(rs) ?? rs.spec.replicas ?? 0;

/** Resolves an int-or-percent such as `25%` against the replica count. */
function resolve(
  value: number | string | undefined,
  total: number,
  up: boolean,
) {
  if (typeof value === 'number') return value;
  const percent = Number.parseInt(value ?? '25%', 10) / 100;
  return up ? Math.ceil(percent * total) : Math.floor(percent * total);
}

function limits(d: Deployment) {
  const desired = d.spec.replicas ?? 1;
  const rolling = d.spec.strategy?.rollingUpdate;
  const surge = resolve(rolling?.maxSurge, desired, true);
  const unavailable = resolve(rolling?.maxUnavailable, desired, false);
  return {
    desired,
    surge,
    unavailable: surge + unavailable === 0 ? 1 : unavailable,
  };
}

function ownedSets(context: SimContext, d: Deployment): ReplicaSet[] {
  return (
    context.store.list('ReplicaSet', d.metadata.namespace) as ReplicaSet[]
  )
    .filter((rs) => isOwnedBy(rs, d))
    .sort((a, b) => revisionOf(a) - revisionOf(b));
}

function createSet(
  context: SimContext,
  d: Deployment,
  revision: number,
): ReplicaSet {
  const hash = templateHash(canonicalJson(d.spec.template));
  const template = structuredClone(d.spec.template);
  const labels = { ...template.metadata?.labels, 'pod-template-hash': hash };
  template.metadata = { ...template.metadata, labels };
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: newMeta(
      context,
      `${d.metadata.name}-${hash}`,
      d.metadata.namespace ?? 'default',
      {
        generation: 1,
        labels,
        annotations: { [REVISION]: String(revision) },
        ownerReferences: [controllerRef(d)],
      },
    ),
    spec: {
      replicas: 0,
      minReadySeconds: 0,
      selector: {
        ...d.spec.selector,
        matchLabels: {
          ...d.spec.selector.matchLabels,
          'pod-template-hash': hash,
        },
      },
      template,
    },
  };
  context.store.put('ReplicaSet', rs);
  return rs;
}

function scale(context: SimContext, d: Deployment, rs: ReplicaSet, to: number) {
  const from = replicasOf(rs);
  if (from === to) return;
  const fresh = context.store.get(
    'ReplicaSet',
    rs.metadata.namespace ?? '',
    rs.metadata.name,
  ) as ReplicaSet | null;
  if (!fresh) return;
  fresh.spec.replicas = to;
  pending.set(rs, to);
  fresh.metadata.annotations = {
    ...fresh.metadata.annotations,
    'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas ?? 1),
  };
  putWithGeneration(context, 'ReplicaSet', fresh);
  const verb = to > from ? 'up' : 'down';
  recordEvent(context, d, {
    type: 'Normal',
    reason: 'ScalingReplicaSet',
    message:
      `Scaled ${verb} replica set ${rs.metadata.name} ` +
      `from ${from} to ${to}`,
    component: 'deployment-controller',
  });
}

const availableIn = (context: SimContext, rs: ReplicaSet) =>
  activePods(context, rs).filter(isPodReady).length;

function scaleUpNew(
  context: SimContext,
  d: Deployment,
  next: ReplicaSet,
  all: ReplicaSet[],
) {
  const { desired, surge } = limits(d);
  const total = all.reduce((sum, rs) => sum + replicasOf(rs), 0);
  const room = Math.min(desired + surge - total, desired - replicasOf(next));
  if (replicasOf(next) > desired) scale(context, d, next, desired);
  else if (room > 0) scale(context, d, next, replicasOf(next) + room);
}

/** Old sets shrink only as far as availability allows (unhealthy first). */
function scaleDownOld(
  context: SimContext,
  d: Deployment,
  next: ReplicaSet,
  old: ReplicaSet[],
) {
  const { desired, unavailable } = limits(d);
  const all = [...old, next];
  const total = all.reduce((sum, rs) => sum + replicasOf(rs), 0);
  const newUnavailable = replicasOf(next) - availableIn(context, next);
  let budget = total - (desired - unavailable) - newUnavailable;
  for (const rs of old) {
    const unhealthy = replicasOf(rs) - availableIn(context, rs);
    const cut = Math.min(Math.max(0, budget), unhealthy);
    if (cut > 0) scale(context, d, rs, replicasOf(rs) - cut);
    budget -= cut;
  }
  const available = all.reduce((sum, rs) => sum + availableIn(context, rs), 0);
  let room = available - (desired - unavailable);
  for (const rs of old) {
    const cut = Math.min(Math.max(0, room), replicasOf(rs));
    if (cut > 0) scale(context, d, rs, replicasOf(rs) - cut);
    room -= cut;
  }
}

function recreate(
  context: SimContext,
  d: Deployment,
  next: ReplicaSet,
  old: ReplicaSet[],
) {
  for (const rs of old) scale(context, d, rs, 0);
  const oldPods = old.reduce(
    (sum, rs) => sum + activePods(context, rs).length,
    0,
  );
  if (oldPods === 0) scale(context, d, next, d.spec.replicas ?? 1);
}

/** The set matching the template, created (or re-revisioned) if needed. */
function currentSet(context: SimContext, d: Deployment, sets: ReplicaSet[]) {
  const top = sets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
  const match = sets.find((rs) =>
    sameTemplate(rs.spec.template, d.spec.template),
  );
  if (!match) return { rs: createSet(context, d, top + 1), created: true };
  if (revisionOf(match) < top) {
    const fresh = structuredClone(match);
    fresh.metadata.annotations = {
      ...fresh.metadata.annotations,
      [REVISION]: String(top + 1),
    };
    context.store.put('ReplicaSet', fresh);
  }
  return { rs: match, created: false };
}

function simOf(context: SimContext, d: Deployment): DeploymentSim {
  const uid = d.metadata.uid ?? d.metadata.name;
  return getOrCreate(context.deployments, uid, () => ({
    signature: '',
    progressAt: context.clock.now(),
    conditionTimes: {},
  }));
}

function timedCondition(
  sim: DeploymentSim,
  now: number,
  c: Condition,
  updatedAt: number,
): Condition {
  const previous = sim.conditionTimes[c.type];
  const key = `${c.status}/${c.reason}`;
  if (!previous || previous.status !== key)
    sim.conditionTimes[c.type] = { status: key, at: now };
  const transition = sim.conditionTimes[c.type]?.at ?? now;
  return {
    type: c.type,
    status: c.status,
    lastUpdateTime: isoSeconds(Math.max(updatedAt, transition)),
    lastTransitionTime: isoSeconds(transition),
    reason: c.reason,
    message: c.message,
  };
}

interface Counts {
  desired: number;
  replicas: number;
  updated: number;
  available: number;
  total: number;
}

const condition = (
  type: string,
  ok: boolean,
  reason: string,
  message: string,
): Condition => ({ type, status: ok ? 'True' : 'False', reason, message });

function progressing(
  d: Deployment,
  next: ReplicaSet,
  counts: Counts,
  since: number,
  created: boolean,
): Condition {
  const rs = `ReplicaSet "${next.metadata.name}"`;
  const complete =
    counts.updated === counts.desired &&
    counts.replicas === counts.desired &&
    counts.available === counts.desired;
  const deadline = (d.spec.progressDeadlineSeconds ?? 600) * 1000;

  if (complete) {
    const message = `${rs} has successfully progressed.`;
    return condition('Progressing', true, 'NewReplicaSetAvailable', message);
  }
  if (since > deadline) {
    const message = `${rs} has timed out progressing.`;
    return condition('Progressing', false, 'ProgressDeadlineExceeded', message);
  }
  if (created) {
    const message = `Created new replica set "${next.metadata.name}"`;
    return condition('Progressing', true, 'NewReplicaSetCreated', message);
  }
  const message = `${rs} is progressing.`;
  return condition('Progressing', true, 'ReplicaSetUpdated', message);
}

function availability(d: Deployment, counts: Counts): Condition {
  const ok = counts.available >= counts.desired - limits(d).unavailable;
  return ok
    ? condition(
        'Available',
        true,
        'MinimumReplicasAvailable',
        'Deployment has minimum availability.',
      )
    : condition(
        'Available',
        false,
        'MinimumReplicasUnavailable',
        'Deployment does not have minimum availability.',
      );
}

function countPods(
  context: SimContext,
  d: Deployment,
  next: ReplicaSet,
  sets: ReplicaSet[],
): Counts {
  const pods = sets.flatMap((rs) => activePods(context, rs));
  return {
    desired: d.spec.replicas ?? 1,
    replicas: pods.length,
    updated: activePods(context, next).length,
    available: pods.filter(isPodReady).length,
    total: sets.reduce((sum, rs) => sum + replicasOf(rs), 0),
  };
}

/** Notes the time of the last visible progress, for the deadline. */
function trackProgress(
  context: SimContext,
  sim: DeploymentSim,
  next: ReplicaSet,
  counts: Counts,
): void {
  const readyNew = activePods(context, next).filter(isPodReady).length;
  const signature = [
    next.metadata.name,
    replicasOf(next),
    counts.updated,
    readyNew,
    counts.total,
  ].join('/');
  if (signature === sim.signature) return;
  sim.signature = signature;
  sim.progressAt = context.clock.now();
}

function counters(d: Deployment, counts: Counts): Record<string, unknown> {
  return compact(
    {
      observedGeneration: d.metadata.generation ?? 1,
      replicas: counts.replicas,
      updatedReplicas: counts.updated,
      readyReplicas: counts.available,
      availableReplicas: counts.available,
      unavailableReplicas: Math.max(0, counts.total - counts.available),
    },
    ['observedGeneration'],
  );
}

function writeStatus(
  context: SimContext,
  d: Deployment,
  next: ReplicaSet,
  sets: ReplicaSet[],
  created: boolean,
) {
  const now = context.clock.now();
  const sim = simOf(context, d);
  const counts = countPods(context, d, next, sets);
  trackProgress(context, sim, next, counts);
  const moving = progressing(d, next, counts, now - sim.progressAt, created);
  const status = counters(d, counts);
  status.conditions = [
    timedCondition(sim, now, availability(d, counts), 0),
    timedCondition(sim, now, moving, sim.progressAt),
  ];

  const fresh = context.store.get(
    'Deployment',
    d.metadata.namespace ?? '',
    d.metadata.name,
  );
  if (!fresh) return;
  const annotations = {
    ...fresh.metadata.annotations,
    [REVISION]: String(revisionOf(next)),
  };
  fresh.metadata.annotations = annotations;
  context.store.put('Deployment', { ...fresh, status });
}

/** One deployment controller pass: new set, rolling or recreate, status. */
export function reconcileDeployment(context: SimContext, d: Deployment): void {
  const sets = ownedSets(context, d);
  const { rs: next, created } = currentSet(context, d, sets);
  const old = sets.filter((rs) => rs.metadata.uid !== next.metadata.uid);
  const all = [...old, next];
  if (!d.spec.paused && d.spec.strategy?.type === 'Recreate')
    recreate(context, d, next, old);
  else if (!d.spec.paused) {
    scaleUpNew(context, d, next, all);
    scaleDownOld(context, d, next, old);
  }
  writeStatus(context, d, next, all, created);
}
