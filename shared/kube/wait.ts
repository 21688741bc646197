import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { KubeNotFoundError } from './errors.ts';
import {
  currentReplicaSet,
  podsOf,
  rolloutProgress,
  rolloutStatus,
} from './rollout.ts';
import type { Cluster, RolloutResult, WaitForRolloutArgs } from './types.ts';

/**
 * Polls the deployment until its rollout is done, fails (progress
 * deadline, new pods stuck) or the time runs out. Polling rather than a
 * watch: a Lambda waits a few minutes at most, and a poll survives the API
 * server closing a watch without any reconnect logic.
 */
export async function waitForRollout(
  cluster: Cluster,
  args: WaitForRolloutArgs,
): Promise<RolloutResult> {
  const deadline = Date.now() + args.timeoutMs;
  for (;;) {
    const result = await checkOnce(cluster, args);
    if (result.state !== 'timeout') {
      return result;
    }
    if (Date.now() + args.pollMs > deadline || args.signal?.aborted) {
      return result;
    }
    await sleep(args.pollMs, undefined, { signal: args.signal }).catch(
      () => undefined,
    );
  }
}

/** One reading; `timeout` here means "not finished yet". */
async function checkOnce(
  cluster: Cluster,
  args: WaitForRolloutArgs,
): Promise<RolloutResult> {
  const { namespace, name } = args;
  const deployment = await cluster.readDeployment({ namespace, name });
  if (!deployment) {
    throw new KubeNotFoundError({
      verb: 'get',
      kind: 'deployments',
      namespace,
      name,
    });
  }

  const newPods = await currentPods(cluster, namespace, deployment);
  const { progress, reason } = rolloutProgress(deployment, newPods);
  const status = rolloutStatus(deployment);
  if (progress === 'progressing') {
    return {
      state: 'timeout',
      reason: `rollout not finished: ${reason}`,
      status,
    };
  }
  return { state: progress, reason, status };
}

/** Pods of the deployment's current replica set, to spot a crash loop. */
async function currentPods(
  cluster: Cluster,
  namespace: string,
  deployment: V1Deployment,
): Promise<V1Pod[]> {
  const labels = deployment.spec?.selector?.matchLabels ?? {};
  const labelSelector = Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const replicaSets = await cluster.listReplicaSets({
    namespace,
    labelSelector,
  });
  const current = currentReplicaSet(deployment, replicaSets);
  if (!current) {
    return [];
  }
  const pods = await cluster.listPods({ namespace, labelSelector });
  return podsOf(current, pods);
}
