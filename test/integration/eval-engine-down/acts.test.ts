import { afterEach, describe, expect, it } from 'vitest';
import { refreshAll } from '#local/cluster/faults.ts';
import type { Cluster } from '#shared/kube/types.ts';
import type { TimelineEntry } from '#shared/playbook/types.ts';
import {
  deliverAlert,
  ENGINE,
  type EngineWorld,
  incidentOf,
  NAMESPACE,
  startEngineWorld,
} from './world.ts';

const GI = 2 ** 30;
// More than the 16Gi cap: no raise the playbook may make will do.
const NEEDS_ABOVE_CAP = 20 * GI;

let env: EngineWorld | undefined;

afterEach(async () => {
  await env?.close();
  env = undefined;
});

function setNeeds(engine: EngineWorld, bytes: number): void {
  const { context } = engine.world.cluster;
  context.faults.oomNeeds.set(ENGINE, bytes);
  refreshAll(context);
}

function memoryPatch(limit: string) {
  const resources = { limits: { memory: limit } };
  return {
    spec: {
      template: {
        spec: { containers: [{ name: 'eval-engine', resources }] },
      },
    },
  };
}

/** The kube client, with a person's change landing right before ours. */
function personChangesFirst(engine: EngineWorld): Cluster {
  const { kube } = engine;
  const personChanges = () =>
    kube.patchDeployment({
      namespace: NAMESPACE,
      name: ENGINE,
      patch: { metadata: { annotations: { 'team/owner': 'someone' } } },
      type: 'merge',
    });
  return {
    ...kube,
    patchDeployment: async (args) => {
      await personChanges();
      return kube.patchDeployment(args);
    },
    restartDeployment: async (args) => {
      await personChanges();
      return kube.restartDeployment(args);
    },
  };
}

const stepNamed = (timeline: TimelineEntry[], step: string) =>
  timeline.find((entry) => entry.step === step);

describe('EvalEngineDown acts through the runtime', () => {
  it('escalates when the rollout after our raise fails', async () => {
    // Prepare: the engine needs more than any allowed limit
    env = await startEngineWorld();
    setNeeds(env, NEEDS_ABOVE_CAP);

    // Act
    const summary = await deliverAlert(env);

    // Assess
    const { incident, timeline } = await incidentOf(env, summary);
    expect(stepNamed(timeline, 'raise-memory-limit')?.outcome).toBe('ok');
    expect(stepNamed(timeline, 'rollout-complete')?.outcome).toBe('failed');
    const escalation = stepNamed(timeline, 'escalate-verification-failed');
    expect(escalation?.reason).toMatch(/the rollout did not complete/);
    expect(incident?.status).toBe('escalated');
  }, 30_000);

  it('blocks the raise at the 16Gi cap and escalates with that reason', async () => {
    // Prepare: a person already raised the limit to the cap; it rolled out
    env = await startEngineWorld();
    await env.kube.patchDeployment({
      namespace: NAMESPACE,
      name: ENGINE,
      patch: memoryPatch('16Gi'),
      type: 'strategic',
    });
    env.world.cluster.advance(3 * 60_000);
    setNeeds(env, NEEDS_ABOVE_CAP);
    env.world.cluster.advance(2 * 60_000);
    const writes = env.world.cluster.writes();

    // Act
    const summary = await deliverAlert(env);

    // Assess
    const { incident, timeline } = await incidentOf(env, summary);
    const act = stepNamed(timeline, 'raise-memory-limit');
    expect(act).toMatchObject({
      outcome: 'blocked',
      reason: expect.stringContaining('memory limit 16Gi is at the cap 16Gi'),
    });
    expect(incident?.status).toBe('escalated');
    expect(env.world.cluster.writes()).toBe(writes);
  }, 30_000);

  it('fails the act and escalates when the deployment changed before our patch', async () => {
    // Prepare
    env = await startEngineWorld();

    // Act
    const summary = await deliverAlert(env, personChangesFirst(env));

    // Assess
    const { incident, timeline } = await incidentOf(env, summary);
    const act = stepNamed(timeline, 'raise-memory-limit');
    expect(act?.outcome).toBe('failed');
    expect(act?.reason).toMatch(/409/);
    expect(stepNamed(timeline, 'rollout-complete')).toBeUndefined();
    expect(incident?.status).toBe('escalated');
    const deployment = await env.kube.readDeployment({
      namespace: NAMESPACE,
      name: ENGINE,
    });
    const [container] = deployment?.spec?.template.spec?.containers ?? [];
    expect(container?.resources?.limits?.memory).not.toBe('8Gi');
  }, 30_000);

  it('fails the restart and escalates when the deployment changed before it', async () => {
    // Prepare
    env = await startEngineWorld('crash-loop');

    // Act
    const summary = await deliverAlert(env, personChangesFirst(env));

    // Assess
    const { incident, timeline } = await incidentOf(env, summary);
    const act = stepNamed(timeline, 'restart-deployment');
    expect(act?.outcome).toBe('failed');
    expect(act?.reason).toMatch(/409/);
    expect(stepNamed(timeline, 'rollout-complete')).toBeUndefined();
    expect(incident?.status).toBe('escalated');
  }, 30_000);
});
