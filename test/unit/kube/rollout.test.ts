import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseMemory } from '#shared/kube/quantity.ts';
import { isRolloutInProgress, rolloutProgress } from '#shared/kube/rollout.ts';
import { fixture } from '../eval-engine-down/fixtures.ts';

const load = (name: string) => fixture<V1Deployment>(`k8s/${name}`);

describe('rolloutProgress', () => {
  it('is progressing halfway through a rollout', () => {
    const deployment = load('deployment-mid-rollout-1of2-updated.json');

    expect(rolloutProgress(deployment).progress).toBe('progressing');
    expect(isRolloutInProgress(deployment)).toBe(true);
  });

  it('fails past the progress deadline', () => {
    const deployment = load('deployment-progress-deadline-exceeded.json');

    const result = rolloutProgress(deployment);

    expect(result.progress).toBe('failed');
    expect(result.reason).toMatch(/timed out progressing/);
  });

  it('is done when every replica is updated, ready and available', () => {
    const status = load(
      'deployment-status-complete-NewReplicaSetAvailable.json',
    );
    const deployment = {
      ...status,
      metadata: { generation: 1473 },
      spec: { replicas: 1 },
    } as V1Deployment;

    expect(rolloutProgress(deployment).progress).toBe('done');
  });

  it('is not done before the controller observed the new generation', () => {
    const status = load(
      'deployment-status-complete-NewReplicaSetAvailable.json',
    );
    const deployment = {
      ...status,
      metadata: { generation: 1474 },
      spec: { replicas: 1 },
    } as V1Deployment;

    expect(rolloutProgress(deployment).progress).toBe('progressing');
  });

  it('fails when a new pod crash-loops', () => {
    const deployment = load('deployment-mid-rollout-1of2-updated.json');
    const pod = fixture<V1Pod>('k8s/pod-crashloopbackoff-lastState-error.json');

    const result = rolloutProgress(deployment, [pod]);

    expect(result).toEqual({
      progress: 'failed',
      reason: 'new pod my-pod is in CrashLoopBackOff',
    });
  });
});

describe('parseMemory', () => {
  it.each([
    ['8Gi', 8 * 2 ** 30],
    ['512Mi', 512 * 2 ** 20],
    ['1G', 1e9],
    ['128974848', 128974848],
    ['129e6', 129e6],
    ['14520Ki', 14520 * 1024],
  ])('reads %s', (text, bytes) => {
    expect(parseMemory(text)).toBe(bytes);
  });

  it('refuses what is not a quantity', () => {
    expect(parseMemory('lots')).toBeNull();
  });
});
