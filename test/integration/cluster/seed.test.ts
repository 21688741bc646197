import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const fixture = async (name: string) =>
  JSON.parse(
    await readFile(
      new URL(`../../fixtures/k8s/${name}`, import.meta.url),
      'utf8',
    ),
  );

let h: Harness | undefined;

afterEach(async () => {
  await h?.server.close();
});

describe('seeding the cluster from kubectl output', () => {
  it('serves seeded objects as is and keeps a crash loop going', async () => {
    // Prepare
    const pod = await fixture('pod-crashloopbackoff-lastState-error.json');
    const deployment = await fixture(
      'deployment-progress-deadline-exceeded.json',
    );
    const seed = { apiVersion: 'v1', kind: 'List', items: [pod, deployment] };

    // Act
    h = await startHarness({ seed });
    const first = await h.core.readNamespacedPod({
      name: 'my-pod',
      namespace: 'argocd',
    });
    const seeded = await h.apps.readNamespacedDeployment({
      name: 'bad-image-deployment',
      namespace: 'example-ns',
    });
    const defaults = await h.core.listNamespacedPod({ namespace: 'tars' });
    h.cluster.advance(120_000);
    const later = await h.core.readNamespacedPod({
      name: 'my-pod',
      namespace: 'argocd',
    });

    // Assess
    expect(first.metadata?.uid).toBe('63674389-f613-11e8-a057-fe5f49266390');
    expect(first.status?.containerStatuses?.[0]?.restartCount).toBe(3);
    expect(seeded.metadata?.uid).toBe('84541e0f-a6f2-48bf-894e-d9ea656c178a');
    expect(defaults.items).toHaveLength(0);
    const status = later.status?.containerStatuses?.[0];
    expect(status?.restartCount).toBeGreaterThan(3);
    expect(status?.lastState?.terminated?.exitCode).toBe(1);
  });
});
