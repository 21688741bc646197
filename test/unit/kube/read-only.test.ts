import { describe, expect, it } from 'vitest';
import { DryRunWriteError } from '#shared/kube/errors.ts';
import { readOnlyCluster } from '#shared/kube/read-only.ts';
import type { Cluster } from '#shared/kube/types.ts';

/** A cluster that records which calls reached it. */
function recordingCluster(calls: string[]): Cluster {
  const record =
    <T>(name: string, value: T) =>
    async () => {
      calls.push(name);
      return value;
    };
  const deployment = { metadata: { name: 'tars-eval-engine' } };
  return {
    listPods: record('listPods', []),
    listEvents: record('listEvents', []),
    readLogs: record('readLogs', 'log'),
    readDeployment: record('readDeployment', deployment),
    patchDeployment: record('patchDeployment', deployment),
    restartDeployment: record('restartDeployment', deployment),
    listReplicaSets: record('listReplicaSets', []),
    readService: record('readService', null),
    readEndpoints: record('readEndpoints', null),
    proxyGet: record('proxyGet', { status: 200, body: 'ok' }),
    waitForRollout: record('waitForRollout', {
      state: 'done',
      reason: 'ok',
      status: null,
    }),
  };
}

const NAMED = { namespace: 'tars', name: 'tars-eval-engine' };

describe('readOnlyCluster', () => {
  it('refuses a patch, saying which write, without reaching the cluster', async () => {
    // Prepare
    const calls: string[] = [];
    const cluster = readOnlyCluster(recordingCluster(calls));

    // Act
    const patching = cluster.patchDeployment({
      ...NAMED,
      patch: {},
      type: 'strategic',
    });

    // Assess
    await expect(patching).rejects.toBeInstanceOf(DryRunWriteError);
    await expect(patching).rejects.toThrow(
      'dry-run refused a cluster write: ' +
        'patchDeployment tars/tars-eval-engine',
    );
    expect(calls).toEqual([]);
  });

  it('refuses a restart without reaching the cluster', async () => {
    const calls: string[] = [];
    const cluster = readOnlyCluster(recordingCluster(calls));

    const restarting = cluster.restartDeployment({
      ...NAMED,
      at: '2025-01-01T00:00:00.000Z',
      by: 'inc-1',
      seen: { metadata: { resourceVersion: '1' } },
    });

    await expect(restarting).rejects.toMatchObject({
      name: 'DryRunWriteError',
      write: 'restartDeployment tars/tars-eval-engine',
    });
    expect(calls).toEqual([]);
  });

  it('passes reads through', async () => {
    const calls: string[] = [];
    const cluster = readOnlyCluster(recordingCluster(calls));

    const deployment = await cluster.readDeployment(NAMED);
    await cluster.listPods({ namespace: 'tars' });

    expect(deployment?.metadata?.name).toBe('tars-eval-engine');
    expect(calls).toEqual(['readDeployment', 'listPods']);
  });
});
