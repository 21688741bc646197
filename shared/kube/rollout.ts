import type {
  V1Deployment,
  V1Pod,
  V1ReplicaSet,
} from '@kubernetes/client-node';
import { toMillis } from './time.ts';
import type { RolloutProgress, RolloutStatus } from './types.ts';
import { ROLLOUT_BY_ANNOTATION } from './types.ts';

/** Generation the automation's own rollout produced, see `ownRolloutMark`. */
export const ROLLOUT_GENERATION_ANNOTATION = 'oncall.tars/rollout-generation';
const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const HASH_LABEL = 'pod-template-hash';

/** Reasons that mean a new pod will not come up without a person. */
const STUCK_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
]);

/** The numbers a rollout is judged by, with absent fields as 0. */
export function rolloutStatus(deployment: V1Deployment): RolloutStatus {
  const status = deployment.status;
  return {
    generation: deployment.metadata?.generation ?? 0,
    observedGeneration: status?.observedGeneration ?? 0,
    replicas: deployment.spec?.replicas ?? 1,
    updated: status?.updatedReplicas ?? 0,
    ready: status?.readyReplicas ?? 0,
    available: status?.availableReplicas ?? 0,
    total: status?.replicas ?? 0,
  };
}

/**
 * Where a rollout stands from one reading. Done needs the controller to
 * have seen the latest spec and every replica updated, ready and available
 * with no old pod left. The deadline condition only counts once the
 * controller has observed the latest generation, so a stale condition from
 * before our change does not fail our rollout.
 */
export function rolloutProgress(
  deployment: V1Deployment,
  newPods: V1Pod[] = [],
): { progress: RolloutProgress; reason: string } {
  const s = rolloutStatus(deployment);
  if (s.observedGeneration < s.generation) {
    return { progress: 'progressing', reason: 'spec change not observed yet' };
  }
  const deadline = progressDeadline(deployment);
  if (deadline) {
    return { progress: 'failed', reason: deadline };
  }
  const stuck = stuckPod(newPods);
  if (stuck) {
    return { progress: 'failed', reason: stuck };
  }

  return isComplete(s)
    ? { progress: 'done', reason: 'all replicas updated and available' }
    : { progress: 'progressing', reason: progressText(s) };
}

function isComplete(s: RolloutStatus): boolean {
  return (
    s.updated === s.replicas &&
    s.ready === s.replicas &&
    s.available === s.replicas &&
    s.total === s.replicas
  );
}

function progressText(s: RolloutStatus): string {
  return (
    `${s.updated}/${s.replicas} updated, ` +
    `${s.available} available, ${s.total} total`
  );
}

function progressDeadline(deployment: V1Deployment): string | null {
  const condition = deployment.status?.conditions?.find(
    (c) => c.type === 'Progressing',
  );
  if (condition?.reason !== 'ProgressDeadlineExceeded') {
    return null;
  }
  return condition.message ?? 'progress deadline exceeded';
}

function stuckPod(pods: V1Pod[]): string | null {
  for (const pod of pods) {
    for (const status of pod.status?.containerStatuses ?? []) {
      const reason = status.state?.waiting?.reason;
      if (reason && STUCK_REASONS.has(reason)) {
        return `new pod ${pod.metadata?.name ?? '?'} is in ${reason}`;
      }
    }
  }
  return null;
}

/**
 * A deployment whose pod template is still being rolled out: the spec
 * change not observed, replicas not all updated, or old pods left.
 * Readiness is not part of it: crash-looping pods of a finished rollout
 * are a fault to fix, not someone's rollout to stay out of.
 */
export function isRolloutInProgress(deployment: V1Deployment): boolean {
  const s = rolloutStatus(deployment);
  return (
    s.observedGeneration < s.generation ||
    s.updated < s.replicas ||
    s.total > s.updated
  );
}

/**
 * Whether the latest rollout is the automation's: our mark names the
 * generation our change produced, so a person's later change (a new
 * generation) is not mistaken for ours.
 */
export function isOwnRollout(deployment: V1Deployment): boolean {
  const annotations = deployment.metadata?.annotations ?? {};
  const generation = deployment.metadata?.generation;
  return (
    annotations[ROLLOUT_BY_ANNOTATION] !== undefined &&
    generation !== undefined &&
    annotations[ROLLOUT_GENERATION_ANNOTATION] === String(generation)
  );
}

/**
 * Metadata to merge into a patch that changes the pod template: who
 * started the rollout and the generation it will have (a template change
 * bumps it by one). The resourceVersion makes the API server answer 409
 * if someone changed the deployment since we read it.
 */
export function ownRolloutMark(
  deployment: V1Deployment,
  by: string,
): Record<string, unknown> {
  const next = (deployment.metadata?.generation ?? 0) + 1;
  return {
    resourceVersion: deployment.metadata?.resourceVersion,
    annotations: {
      [ROLLOUT_BY_ANNOTATION]: by,
      [ROLLOUT_GENERATION_ANNOTATION]: String(next),
    },
  };
}

/**
 * The deployment's current replica set: the one carrying the deployment's
 * revision, else the newest one.
 */
export function currentReplicaSet(
  deployment: V1Deployment,
  replicaSets: V1ReplicaSet[],
): V1ReplicaSet | null {
  const revision = deployment.metadata?.annotations?.[REVISION_ANNOTATION];
  const byRevision = replicaSets.find(
    (rs) =>
      revision !== undefined &&
      rs.metadata?.annotations?.[REVISION_ANNOTATION] === revision,
  );
  if (byRevision) {
    return byRevision;
  }

  const newest = [...replicaSets].sort(
    (a, b) =>
      (toMillis(b.metadata?.creationTimestamp) ?? 0) -
      (toMillis(a.metadata?.creationTimestamp) ?? 0),
  );
  return newest[0] ?? null;
}

/** Pods created from the given replica set's template. */
export function podsOf(replicaSet: V1ReplicaSet, pods: V1Pod[]): V1Pod[] {
  const hash = replicaSet.metadata?.labels?.[HASH_LABEL];
  if (hash === undefined) {
    return [];
  }
  return pods.filter((pod) => pod.metadata?.labels?.[HASH_LABEL] === hash);
}
