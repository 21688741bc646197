import type {
  CoreV1Event,
  V1ObjectReference,
  V1Pod,
  V1ReplicaSet,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { readPodState } from '#functions/eval-engine-down/diagnose.ts';
import type { Cluster } from '#shared/kube/types.ts';
import type { Target } from '#shared/playbook/types.ts';

const TARGET: Target = {
  namespace: 'tars',
  deployment: 'tars-eval-engine',
  service: 'tars-eval-engine',
  selector: 'app=tars-eval-engine',
  agent: null,
};

function event(kind: string, name: string): CoreV1Event {
  const involvedObject: V1ObjectReference = { kind, name };
  return { metadata: { name: `${name}.1` }, involvedObject, reason: 'R' };
}

function replicaSet(name: string, owner: string): V1ReplicaSet {
  const ownerReferences = [
    { apiVersion: 'apps/v1', kind: 'Deployment', name: owner, uid: owner },
  ];
  return { metadata: { name, ownerReferences } };
}

function clusterWith(events: CoreV1Event[], rs: V1ReplicaSet[]): Cluster {
  const pod: V1Pod = {
    metadata: { name: 'tars-eval-engine-7c9d-abcde' },
    status: { phase: 'Running' },
  };
  const unused = () => Promise.reject(new Error('not used'));
  return {
    listPods: async () => [pod],
    listEvents: async () => events,
    listReplicaSets: async () => rs,
    readLogs: unused,
    readDeployment: unused,
    patchDeployment: unused,
    restartDeployment: unused,
    readService: unused,
    readEndpoints: unused,
    proxyGet: unused,
    waitForRollout: unused,
  };
}

describe('readPodState events', () => {
  it('keeps events about the deployment, its replica sets and its pods only', async () => {
    // Prepare
    const events = [
      event('Deployment', 'tars-eval-engine'),
      event('ReplicaSet', 'tars-eval-engine-7c9d'),
      event('Pod', 'tars-eval-engine-7c9d-abcde'),
      event('Deployment', 'tars-eval-engine-canary'),
      event('ReplicaSet', 'tars-eval-engine-canary-55f6'),
      event('Pod', 'tars-eval-engine-canary-55f6-xyz12'),
    ];
    const replicaSets = [
      replicaSet('tars-eval-engine-7c9d', 'tars-eval-engine'),
      replicaSet('tars-eval-engine-canary-55f6', 'tars-eval-engine-canary'),
    ];

    // Act
    const state = await readPodState(clusterWith(events, replicaSets), TARGET);

    // Assess
    expect(state.events.map((e) => e.involvedObject.name)).toEqual([
      'tars-eval-engine',
      'tars-eval-engine-7c9d',
      'tars-eval-engine-7c9d-abcde',
    ]);
  });
});
