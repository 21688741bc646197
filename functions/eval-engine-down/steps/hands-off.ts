import type { V1Deployment } from '@kubernetes/client-node';
import {
  isOwnRollout,
  isRolloutInProgress,
  rolloutStatus,
} from '#shared/kube/rollout.ts';

/**
 * Why we must not touch the deployment, or null: a rollout in progress
 * that the automation did not start means a person is at work.
 */
export function handsOffReason(deployment: V1Deployment | null): string | null {
  if (!deployment || !isRolloutInProgress(deployment)) {
    return null;
  }
  if (isOwnRollout(deployment)) {
    return null;
  }

  const s = rolloutStatus(deployment);
  return (
    'a rollout we did not start is in progress ' +
    `(generation ${s.generation}, ${s.updated}/${s.replicas} updated); ` +
    'leaving it to the person running it'
  );
}
