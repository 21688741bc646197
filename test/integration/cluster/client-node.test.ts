import {
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  apiError,
  EVAL,
  EVAL_SELECTOR,
  type Harness,
  NS,
  startHarness,
} from './harness.ts';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  h.cluster.stopTicker();
  await h.server.close();
});

const strategic = setHeaderOptions(
  'Content-Type',
  PatchStrategy.StrategicMergePatch,
);
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);

async function evalPods() {
  const list = await h.core.listNamespacedPod({
    namespace: NS,
    labelSelector: EVAL_SELECTOR,
  });
  return list.items;
}

function readEval() {
  return h.apps.readNamespacedDeployment({ name: EVAL, namespace: NS });
}

/** What `kubectl rollout restart` sends: a new template annotation. */
async function restartEval(at: string) {
  const annotations = { 'kubectl.kubernetes.io/restartedAt': at };
  const body = { spec: { template: { metadata: { annotations } } } };
  await h.apps.patchNamespacedDeployment(
    { name: EVAL, namespace: NS, body },
    strategic,
  );
}

/** Raises the eval-engine container's memory limit by strategic merge. */
async function setEvalMemoryLimit(memory: string) {
  const resources = { limits: { memory } };
  const containers = [{ name: 'eval-engine', resources }];
  const body = { spec: { template: { spec: { containers } } } };
  await h.apps.patchNamespacedDeployment(
    { name: EVAL, namespace: NS, body },
    strategic,
  );
}

async function replicaSets() {
  const list = await h.apps.listNamespacedReplicaSet({
    namespace: NS,
    labelSelector: EVAL_SELECTOR,
  });
  return list.items;
}

describe('simulated cluster over client-node', () => {
  it('lists the settled T.A.R.S. workloads with selectors', async () => {
    // Act
    const pods = await evalPods();
    const all = await h.core.listPodForAllNamespaces();
    const deployments = await h.apps.listNamespacedDeployment({
      namespace: NS,
    });
    const endpoints = await h.core.readNamespacedEndpoints({
      name: EVAL,
      namespace: NS,
    });
    const byName = await h.core.listNamespacedPod({
      namespace: NS,
      fieldSelector: `metadata.name=${pods[0]?.metadata?.name}`,
    });
    const events = await h.core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: `involvedObject.name=${pods[0]?.metadata?.name}`,
    });

    // Assess
    expect(pods).toHaveLength(2);
    expect(pods.map((p) => p.status?.phase)).toEqual(['Running', 'Running']);
    expect(pods[0]?.metadata?.ownerReferences?.[0]?.kind).toBe('ReplicaSet');
    expect(all.items).toHaveLength(6);
    expect(deployments.items.map((d) => d.metadata?.name)).toContain(
      'hypersync',
    );
    expect(endpoints.subsets?.[0]?.addresses).toHaveLength(2);
    expect(endpoints.subsets?.[0]?.ports?.[0]?.port).toBe(8099);
    expect(byName.items).toHaveLength(1);
    expect(events.items.map((e) => e.reason)).toEqual(
      expect.arrayContaining(['Scheduled', 'Pulled', 'Started']),
    );
  });

  it('answers a missing object with a NotFound Status', async () => {
    // Act
    const { code, body } = await apiError(
      h.apps.readNamespacedDeployment({ name: 'nope', namespace: NS }),
    );

    // Assess
    expect(code).toBe(404);
    expect(body).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'deployments.apps "nope" not found',
    });
  });

  it('merges containers by name in a strategic merge patch', async () => {
    // Prepare
    const body = {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'eval-engine', resources: { limits: { memory: '8Gi' } } },
            ],
          },
        },
      },
    };

    // Act
    const patched = await h.apps.patchNamespacedDeployment(
      { name: EVAL, namespace: NS, body },
      strategic,
    );

    // Assess
    const container = patched.spec?.template.spec?.containers[0];
    expect(patched.spec?.template.spec?.containers).toHaveLength(1);
    expect(container?.image).toBe('tars/eval-engine:1.4.2');
    expect(container?.resources?.limits).toEqual({ cpu: '2', memory: '8Gi' });
    expect(container?.resources?.requests?.memory).toBe('2Gi');
    expect(container?.env?.length).toBeGreaterThan(2);
    expect(patched.metadata?.generation).toBe(2);
  });

  it('applies json patches and rejects a failed test with 422', async () => {
    // Prepare
    const path = '/spec/template/spec/containers/0/image';
    const good = [
      { op: 'test', path, value: 'tars/eval-engine:1.4.2' },
      { op: 'replace', path, value: 'tars/eval-engine:1.4.1' },
    ];

    // Act
    const patched = await h.apps.patchNamespacedDeployment(
      { name: EVAL, namespace: NS, body: good },
      jsonPatch,
    );
    const failed = await apiError(
      h.apps.patchNamespacedDeployment(
        { name: EVAL, namespace: NS, body: good },
        jsonPatch,
      ),
    );

    // Assess
    expect(patched.spec?.template.spec?.containers[0]?.image).toBe(
      'tars/eval-engine:1.4.1',
    );
    expect(failed.code).toBe(422);
    expect(failed.body.reason).toBe('Invalid');
  });

  it('merge-patches replicas, bumps the generation and scales', async () => {
    // Act
    const patched = await h.apps.patchNamespacedDeployment(
      { name: EVAL, namespace: NS, body: { spec: { replicas: 3 } } },
      merge,
    );
    const labelled = await h.apps.patchNamespacedDeployment(
      {
        name: EVAL,
        namespace: NS,
        body: { metadata: { labels: { team: 'ml' } } },
      },
      merge,
    );
    h.cluster.advance(60_000);
    const after = await readEval();

    // Assess
    expect(patched.metadata?.generation).toBe(2);
    expect(labelled.metadata?.generation).toBe(2);
    expect(after.status).toMatchObject({
      observedGeneration: 2,
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(await evalPods()).toHaveLength(3);
  });

  it('refuses other patch content types with 415', async () => {
    // Act
    const response = await fetch(
      `${h.server.url}/apis/apps/v1/namespaces/${NS}/deployments/${EVAL}`,
      {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/yaml' },
        body: 'spec: {}',
      },
    );

    // Assess
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({
      kind: 'Status',
      reason: 'UnsupportedMediaType',
      code: 415,
    });
  });

  it('rolls out a restart on a new ReplicaSet once time advances', async () => {
    // Act
    await restartEval('2025-11-19T10:30:00Z');
    const during = await readEval();
    h.cluster.advance(120_000);
    const after = await readEval();
    const sets = await replicaSets();
    const health = await fetch(
      `${h.server.url}/api/v1/namespaces/${NS}` +
        `/services/${EVAL}:8099/proxy/health`,
    );

    // Assess
    expect(during.status?.updatedReplicas ?? 0).toBeLessThan(2);
    expect(sets).toHaveLength(2);
    expect(sets.map((rs) => rs.spec?.replicas).sort()).toEqual([0, 2]);
    expect(
      after.status?.conditions?.find((c) => c.type === 'Progressing')?.reason,
    ).toBe('NewReplicaSetAvailable');
    expect(after.status).toMatchObject({
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      replicas: 2,
    });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'healthy' });
  });

  it('keeps OOM-killing until the memory limit is raised', async () => {
    // Prepare
    h.cluster.injectFault('oom-killed');

    // Act
    h.cluster.advance(180_000);
    const killed = await evalPods();
    const previous = await h.core.readNamespacedPodLog({
      name: killed[0]?.metadata?.name ?? '',
      namespace: NS,
      previous: true,
    });
    const down = await apiError(
      h.core.connectGetNamespacedServiceProxyWithPath({
        name: EVAL,
        namespace: NS,
        path: 'health',
      }),
    );
    await setEvalMemoryLimit('8Gi');
    h.cluster.advance(240_000);
    const fixed = await evalPods();

    // Assess
    const status = killed[0]?.status?.containerStatuses?.[0];
    expect(status?.lastState?.terminated).toMatchObject({
      exitCode: 137,
      reason: 'OOMKilled',
    });
    expect(status?.restartCount).toBeGreaterThanOrEqual(2);
    expect(previous).toContain('memory usage high');
    expect(down.code).toBe(503);
    expect(fixed).toHaveLength(2);
    for (const pod of fixed) {
      expect(pod.status?.containerStatuses?.[0]).toMatchObject({
        ready: true,
        restartCount: 0,
      });
    }
  });

  it('stops a crash loop with a restart', async () => {
    // Prepare
    h.cluster.injectFault('crash-loop');
    h.cluster.advance(60_000);
    const looping = await evalPods();

    // Act
    await restartEval('now');
    h.cluster.advance(180_000);
    const after = await evalPods();

    // Assess
    expect(
      looping[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason,
    ).toBe('CrashLoopBackOff');
    expect(
      looping[0]?.status?.containerStatuses?.[0]?.lastState?.terminated
        ?.exitCode,
    ).toBe(1);
    expect(after.every((p) => p.status?.containerStatuses?.[0]?.ready)).toBe(
      true,
    );
  });

  it('keeps crash-looping after a restart while postgres is down', async () => {
    // Prepare
    h.cluster.injectFault('dependency-down');

    // Act
    await restartEval('now');
    h.cluster.advance(180_000);
    const pods = await evalPods();
    const log = await h.core.readNamespacedPodLog({
      name: pods[0]?.metadata?.name ?? '',
      namespace: NS,
      tailLines: 20,
    });
    const postgres = await h.core.readNamespacedEndpoints({
      name: 'tars-postgres',
      namespace: NS,
    });
    h.cluster.recoverDependency();
    h.cluster.advance(400_000);
    const recovered = await evalPods();

    // Assess
    expect(
      pods.some(
        (p) =>
          p.status?.containerStatuses?.[0]?.state?.waiting?.reason ===
          'CrashLoopBackOff',
      ),
    ).toBe(true);
    expect(log).toContain(
      'psycopg2.OperationalError: ' +
        'could not connect to server: Connection refused',
    );
    expect(log).toContain('tars-postgres:5432');
    expect(postgres.subsets?.[0]?.addresses).toBeUndefined();
    expect(
      recovered.every((p) => p.status?.containerStatuses?.[0]?.ready),
    ).toBe(true);
  });

  it('shows image pull failures and times out the rollout', async () => {
    // Act
    h.cluster.injectFault('image-pull');
    h.cluster.advance(660_000);
    const pods = await evalPods();
    const events = await h.core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: `involvedObject.name=${pods[0]?.metadata?.name}`,
    });
    const deployment = await readEval();

    // Assess
    expect(pods).toHaveLength(2);
    expect(pods[0]?.status?.phase).toBe('Pending');
    expect(['ImagePullBackOff', 'ErrImagePull']).toContain(
      pods[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason,
    );
    expect(events.items.map((e) => e.message).join('\n')).toMatch(
      /Failed to pull image "tars\/eval-engine:1\.4\.3": .*not found/,
    );
    expect(
      deployment.status?.conditions?.find((c) => c.type === 'Progressing')
        ?.reason,
    ).toBe('ProgressDeadlineExceeded');
  });

  it('leaves pods Pending (FailedScheduling) with memory gone', async () => {
    // Act
    h.cluster.injectFault('unschedulable');
    h.cluster.advance(30_000);
    const pods = await evalPods();
    const events = await h.core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: 'reason=FailedScheduling',
    });

    // Assess
    const scheduled = pods[0]?.status?.conditions?.find(
      (c) => c.type === 'PodScheduled',
    );
    expect(pods[0]?.status?.phase).toBe('Pending');
    expect(scheduled).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
    });
    expect(events.items[0]?.message).toMatch(
      /^0\/3 nodes are available: 3 Insufficient memory\. preemption:/,
    );
  });

  it('streams watch events for a patched deployment', async () => {
    // Prepare
    const seen: string[] = [];
    const list = await h.apps.listNamespacedDeployment({ namespace: NS });
    const watch = new Watch(h.kc);
    const controller = await watch.watch(
      `/apis/apps/v1/namespaces/${NS}/deployments`,
      {
        resourceVersion: list.metadata?.resourceVersion,
        fieldSelector: `metadata.name=${EVAL}`,
      },
      (type, object: { metadata?: { generation?: number } }) =>
        seen.push(`${type}:${object.metadata?.generation}`),
      () => undefined,
    );

    // Act
    await h.apps.patchNamespacedDeployment(
      { name: EVAL, namespace: NS, body: { spec: { replicas: 3 } } },
      merge,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();

    // Assess
    expect(seen).toContain('MODIFIED:2');
    expect(seen.every((entry) => entry.startsWith('MODIFIED'))).toBe(true);
  });

  it('answers 409 to a replace with a stale resourceVersion', async () => {
    // Prepare
    const current = await readEval();
    await h.apps.patchNamespacedDeployment(
      { name: EVAL, namespace: NS, body: { spec: { replicas: 3 } } },
      merge,
    );

    // Act
    const { code, body } = await apiError(
      h.apps.replaceNamespacedDeployment({
        name: EVAL,
        namespace: NS,
        body: current,
      }),
    );

    // Assess
    expect(code).toBe(409);
    expect(body).toMatchObject({
      kind: 'Status',
      reason: 'Conflict',
      code: 409,
    });
  });

  it('counts only mutating requests as writes', async () => {
    // Act
    await evalPods();
    await readEval();
    const before = h.cluster.writes();
    await h.apps.patchNamespacedDeployment(
      { name: EVAL, namespace: NS, body: { spec: { replicas: 2 } } },
      merge,
    );

    // Assess
    expect(before).toBe(0);
    expect(h.cluster.writes()).toBe(1);
  });
});
