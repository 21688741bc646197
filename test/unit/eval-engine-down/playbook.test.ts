import type { CoreV1Event, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { EvalEngineDeps } from '#functions/eval-engine-down/deps.ts';
import { buildDeps } from '#functions/eval-engine-down/deps.ts';
import { evalEngineDown } from '#functions/eval-engine-down/playbook.ts';
import type { Cluster, PatchArgs } from '#shared/kube/types.ts';
import type { PlaybookContext } from '#shared/playbook/types.ts';
import { fixture, fixtureText } from './fixtures.ts';

/**
 * The playbook's decisions against a cluster double built from fixtures
 * and a context that records steps as the runtime would (acts run, no
 * guards). The runtime and the simulated cluster are covered by the
 * integration suites.
 */
interface World {
  pods: V1Pod[];
  /** The playbook's clock; pod B's OOM kill was 2023-05-06T21:03:57Z. */
  now?: Date;
  events?: CoreV1Event[];
  logs?: string;
  deployment?: V1Deployment;
  /** Dependencies that are down (no ready pod, no endpoint). */
  down?: string[];
}

const DEPENDENCY_APPS = ['tars-postgres', 'tars-redis'];

/** A dependency's pod, running and ready. */
function runningPod(app: string): V1Pod {
  return {
    metadata: { name: `${app}-0`, labels: { app } },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        {
          name: app,
          image: `${app}:1`,
          imageID: '',
          ready: true,
          restartCount: 0,
          state: { running: { startedAt: new Date('2023-05-01T00:00:00Z') } },
        },
      ],
    },
  };
}

function dependencyUp(world: World, app: string): boolean {
  return DEPENDENCY_APPS.includes(app) && !world.down?.includes(app);
}

function fakeCluster(world: World, patches: PatchArgs[]): Cluster {
  const deployment = world.deployment ?? engineDeployment('4Gi');
  return {
    listPods: async ({ labelSelector }) => {
      if (labelSelector === 'app=tars-eval-engine') return world.pods;
      const app = labelSelector?.replace('app=', '') ?? '';
      return dependencyUp(world, app) ? [runningPod(app)] : [];
    },
    listEvents: async () => world.events ?? [],
    readLogs: async () => world.logs ?? '',
    readDeployment: async () => deployment,
    patchDeployment: async (args) => {
      patches.push(args);
      return deployment;
    },
    restartDeployment: async () => deployment,
    listReplicaSets: async () => [],
    readService: async () => null,
    readEndpoints: async ({ name }) =>
      dependencyUp(world, name)
        ? { subsets: [{ addresses: [{ ip: '10.0.0.9' }] }] }
        : null,
    proxyGet: async () => ({ status: 200, body: { status: 'ok' } }),
    waitForRollout: async () => ({ state: 'done', reason: 'ok', status: null }),
  };
}

function engineDeployment(memory: string): V1Deployment {
  return {
    metadata: { name: 'tars-eval-engine', generation: 3 },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'tars-eval-engine' } },
      template: {
        spec: {
          containers: [
            {
              name: 'eval-engine',
              image: 'tars/eval-engine:1',
              resources: { limits: { memory } },
            },
          ],
        },
      },
    },
    status: { observedGeneration: 3, replicas: 1, updatedReplicas: 1 },
  };
}

function recordingContext(deps: EvalEngineDeps) {
  const steps: string[] = [];
  const ctx: PlaybookContext<EvalEngineDeps> = {
    incidentId: 'inc-1',
    alert: {} as PlaybookContext['alert'],
    target: {
      namespace: 'tars',
      deployment: 'tars-eval-engine',
      service: 'tars-eval-engine',
      selector: 'app=tars-eval-engine',
      agent: null,
    },
    severity: 'P0',
    dryRun: false,
    deps,
    diagnose: async (step, read) => {
      steps.push(step);
      return read();
    },
    act: async (step, spec) => {
      steps.push(step);
      const blocked = spec.cap?.() ?? (await spec.handsOff?.()) ?? null;
      if (blocked) throw new Error(blocked);
      return { outcome: 'ok', value: await spec.apply() };
    },
    verify: async (step, check) => {
      steps.push(step);
      return (await check()).ok;
    },
    notify: async (step) => {
      steps.push(step);
    },
  };
  return { ctx, steps };
}

async function run(world: World) {
  const patches: PatchArgs[] = [];
  const now = world.now ?? new Date('2023-05-06T21:11:00Z');
  const deps = buildDeps(fakeCluster(world, patches), { clock: () => now });
  const { ctx, steps } = recordingContext(deps);
  const verdict = await evalEngineDown.run(ctx);
  return { verdict, steps, patches };
}

const pod = (name: string) => fixture<V1Pod>(`k8s/${name}`);

/** Pod B, OOM-killed, with its container named as the engine's. */
function oomKilledEnginePod(): V1Pod {
  const input = pod('pod-oomkilled-B-running-again.converted.json');
  const statuses = input.status?.containerStatuses ?? [];
  const containerStatuses = statuses.map((s) => ({
    ...s,
    name: 'eval-engine',
  }));
  return { ...input, status: { ...input.status, containerStatuses } };
}

describe('eval-engine-down playbook', () => {
  it('raises the memory limit to 8Gi after an OOM kill, then verifies', async () => {
    // Prepare
    const world = { pods: [oomKilledEnginePod()] };

    // Act
    const { verdict, steps, patches } = await run(world);

    // Assess
    expect(verdict.status).toBe('mitigated');
    expect(steps).toEqual([
      'check-pods',
      'recent-events',
      'read-logs',
      'notify-diagnosis',
      'read-deployment',
      'raise-memory-limit',
      'rollout-complete',
      'health',
    ]);
    expect(patches[0]).toMatchObject({
      type: 'strategic',
      patch: {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'eval-engine',
                  resources: { limits: { memory: '8Gi' } },
                },
              ],
            },
          },
        },
      },
    });
  });

  it('escalates a crash blamed on PostgreSQL without restarting', async () => {
    const logs = fixtureText('logs/python-error-log-lines.txt')
      .split('\n')
      .filter((line) => line.startsWith('sqlalchemy.exc.OperationalError'))
      .join('\n');
    const world = {
      pods: [pod('pod-crashloopbackoff-lastState-error.json')],
      logs,
      down: ['tars-postgres'],
    };

    const { verdict, steps, patches } = await run(world);

    expect(verdict).toMatchObject({
      status: 'escalate',
      step: 'escalate-dependency',
    });
    expect(verdict.reason).toMatch(/postgresql \(tars-postgres is unhealthy\)/);
    expect(steps).toContain('check-dependency');
    expect(steps).not.toContain('restart-deployment');
    expect(patches).toEqual([]);
  });

  it('blames PostgreSQL, not an OOM kill of days ago, for a crash loop', async () => {
    // Prepare
    const logs = fixtureText('logs/python-error-log-lines.txt')
      .split('\n')
      .filter((line) => line.startsWith('sqlalchemy.exc.OperationalError'))
      .join('\n');
    const world = {
      pods: [
        pod('pod-oomkilled-B-running-again.converted.json'),
        pod('pod-crashloopbackoff-lastState-error.json'),
      ],
      logs,
      now: new Date('2023-05-09T09:00:00Z'),
    };

    // Act
    const { verdict, steps, patches } = await run(world);

    // Assess
    expect(verdict).toMatchObject({
      status: 'escalate',
      step: 'escalate-dependency',
    });
    expect(steps).not.toContain('raise-memory-limit');
    expect(patches).toEqual([]);
  });

  it('restarts a crash loop with no dependency in the logs', async () => {
    const world = {
      pods: [pod('pod-crashloopbackoff-lastState-error.json')],
      logs: 'Traceback (most recent call last):\nKeyError: missing setting',
    };

    const { verdict, steps } = await run(world);

    expect(verdict.status).toBe('mitigated');
    expect(steps).toContain('restart-deployment');
  });

  it('escalates a crash loop while PostgreSQL is down, logs or not', async () => {
    // Prepare: a snapshot replay has no logs to blame anyone
    const world = {
      pods: [pod('pod-crashloopbackoff-lastState-error.json')],
      logs: '',
      down: ['tars-postgres'],
    };

    // Act
    const { verdict, steps, patches } = await run(world);

    // Assess
    expect(verdict).toMatchObject({
      status: 'escalate',
      step: 'escalate-dependency',
    });
    expect(verdict.reason).toMatch(/postgresql \(tars-postgres\) is unhealthy/);
    expect(steps).not.toContain('restart-deployment');
    expect(patches).toEqual([]);
  });

  it('reports the image and the specific pull error', async () => {
    const imagePod = pod('pod-imagepullbackoff-waiting.json');
    const name = imagePod.metadata?.name;
    const events: CoreV1Event[] = [
      {
        metadata: {},
        involvedObject: { kind: 'Pod', name },
        reason: 'Failed',
        message:
          'Failed to pull image "gcr.io/heptio-images/ks-guestbook-demo:0.3": not found',
      },
      {
        metadata: {},
        involvedObject: { kind: 'Pod', name },
        reason: 'Failed',
        message: 'Error: ErrImagePull',
      },
    ];

    const { verdict, patches } = await run({ pods: [imagePod], events });

    expect(verdict).toEqual({
      status: 'escalate',
      step: 'escalate-image-pull',
      reason:
        'cannot pull image gcr.io/heptio-images/ks-guestbook-demo:0.3: ' +
        'Failed to pull image "gcr.io/heptio-images/ks-guestbook-demo:0.3": not found',
    });
    expect(patches).toEqual([]);
  });

  it('reports the scheduler reasons for a pending pod', async () => {
    const world = { pods: [pod('pod-unschedulable-taint-cpu.converted.json')] };

    const { verdict } = await run(world);

    expect(verdict).toMatchObject({
      status: 'escalate',
      step: 'escalate-unschedulable',
    });
    expect(verdict.reason).toMatch(/Insufficient cpu/);
  });

  it('escalates with "pods healthy" when no pod is at fault', async () => {
    const world = { pods: [pod('pod-exit-137-reason-error-D.converted.json')] };

    const { verdict } = await run(world);

    expect(verdict).toEqual({
      status: 'escalate',
      step: 'escalate-pods-healthy',
      reason: 'pods healthy',
    });
  });

  it('refuses to resize a container other than the one killed', async () => {
    const world = {
      pods: [pod('pod-oomkilled-B-running-again.converted.json')],
    };

    const running = run(world);

    await expect(running).rejects.toThrow(
      'container kubeshark-worker is not an app container',
    );
  });

  it('refuses to impose a memory limit where none is set', async () => {
    const deployment = engineDeployment('4Gi');
    const [container] = deployment.spec?.template.spec?.containers ?? [];
    if (container) container.resources = {};
    const world = { pods: [oomKilledEnginePod()], deployment };

    const running = run(world);

    await expect(running).rejects.toThrow(
      'no memory limit set; raising would impose one',
    );
  });

  it('refuses to raise memory past the cap', async () => {
    const world = {
      pods: [oomKilledEnginePod()],
      deployment: engineDeployment('16Gi'),
    };

    const running = run(world);

    await expect(running).rejects.toThrow(
      'memory limit 16Gi is at the cap 16Gi',
    );
  });
});
