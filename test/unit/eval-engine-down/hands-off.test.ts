import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { handsOffReason } from '#functions/eval-engine-down/steps/hands-off.ts';
import { ownRolloutMark } from '#shared/kube/rollout.ts';
import { fixture } from './fixtures.ts';

const midRollout = () =>
  fixture<V1Deployment>('k8s/deployment-mid-rollout-1of2-updated.json');

describe('handsOffReason', () => {
  it('stays out of a rollout someone else started', () => {
    // Prepare
    const deployment = midRollout();

    // Act
    const reason = handsOffReason(deployment);

    // Assess
    expect(reason).toMatch(/rollout we did not start is in progress/);
  });

  it('allows acting on our own rollout', () => {
    const deployment = midRollout();
    const before = {
      ...deployment,
      metadata: { ...deployment.metadata, generation: 3 },
    };
    const mark = ownRolloutMark(before, 'inc-1');
    const ours = {
      ...deployment,
      metadata: { ...deployment.metadata, generation: 4, ...mark },
    };

    expect(handsOffReason(ours as V1Deployment)).toBeNull();
  });

  it('treats our stale mark on a newer generation as not ours', () => {
    const deployment = midRollout();
    const before = {
      ...deployment,
      metadata: { ...deployment.metadata, generation: 2 },
    };
    const mark = ownRolloutMark(before, 'inc-1');
    const later = {
      ...deployment,
      metadata: { ...deployment.metadata, generation: 4, ...mark },
    };

    expect(handsOffReason(later as V1Deployment)).not.toBeNull();
  });

  it('allows acting when the rollout is complete', () => {
    const deployment = fixture<V1Deployment>(
      'k8s/deployment-status-complete-NewReplicaSetAvailable.json',
    );
    const complete = {
      ...deployment,
      metadata: { generation: 1473 },
      spec: { replicas: 1, selector: {}, template: {} },
    };

    expect(handsOffReason(complete as V1Deployment)).toBeNull();
  });

  it('allows acting when there is no deployment to read', () => {
    expect(handsOffReason(null)).toBeNull();
  });
});
