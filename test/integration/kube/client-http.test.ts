import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeClient } from '#shared/kube/client.ts';
import {
  KubeConflictError,
  KubeError,
  KubeNotFoundError,
} from '#shared/kube/errors.ts';
import type { Cluster } from '#shared/kube/types.ts';

/**
 * The adapter over real HTTP against a recording server: what it sends
 * (paths, content types, bodies) and how it maps status codes. The
 * simulated cluster's suite covers behaviour; this one covers the wire.
 */
interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

const seen: Seen[] = [];
let answer: (req: Seen) => { status: number; body: unknown } = () => ({
  status: 200,
  body: {},
});
let server: ReturnType<typeof createServer>;
let cluster: Cluster;

function respond(req: IncomingMessage, res: ServerResponse, body: string) {
  const request = {
    method: req.method ?? '',
    url: req.url ?? '',
    contentType: req.headers['content-type'],
    body,
  };
  seen.push(request);
  const reply = answer(request);
  res.writeHead(reply.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(reply.body));
}

function kubeconfig(url: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- cluster: { server: "${url}", insecure-skip-tls-verify: true }`,
    '  name: test',
    'users:',
    '- user: { token: test-token }',
    '  name: test',
    'contexts:',
    '- context: { cluster: test, user: test }',
    '  name: test',
    'current-context: test',
  ].join('\n');
}

const status = (code: number, reason: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  reason,
  code,
});

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => respond(req, res, body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  cluster = createKubeClient({
    kubeconfigYaml: kubeconfig(`http://127.0.0.1:${port}`),
  });
});

afterAll(() => {
  server.close();
});

describe('kube client over HTTP', () => {
  it.each([
    ['strategic', 'application/strategic-merge-patch+json'],
    ['merge', 'application/merge-patch+json'],
    ['json', 'application/json-patch+json'],
  ] as const)('sends a %s patch as %s', async (type, contentType) => {
    // Prepare
    seen.length = 0;
    answer = () => ({ status: 200, body: { metadata: { name: 'x' } } });
    const patch =
      type === 'json'
        ? [{ op: 'replace', path: '/spec/replicas', value: 2 }]
        : { spec: { replicas: 2 } };

    // Act
    await cluster.patchDeployment({
      namespace: 'tars',
      name: 'tars-eval-engine',
      patch,
      type,
    });

    // Assess
    expect(seen[0]).toMatchObject({
      method: 'PATCH',
      url: '/apis/apps/v1/namespaces/tars/deployments/tars-eval-engine',
      contentType,
    });
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual(patch);
  });

  it('returns null for a missing deployment', async () => {
    answer = () => ({ status: 404, body: status(404, 'NotFound') });

    const deployment = await cluster.readDeployment({
      namespace: 'tars',
      name: 'nope',
    });

    expect(deployment).toBeNull();
  });

  it('throws KubeNotFoundError when patching a missing deployment', async () => {
    answer = () => ({ status: 404, body: status(404, 'NotFound') });

    const patching = cluster.patchDeployment({
      namespace: 'tars',
      name: 'nope',
      patch: {},
      type: 'merge',
    });

    await expect(patching).rejects.toBeInstanceOf(KubeNotFoundError);
  });

  it('throws KubeConflictError on 409', async () => {
    answer = () => ({ status: 409, body: status(409, 'Conflict') });

    const patching = cluster.patchDeployment({
      namespace: 'tars',
      name: 'tars-eval-engine',
      patch: {},
      type: 'strategic',
    });

    await expect(patching).rejects.toBeInstanceOf(KubeConflictError);
  });

  it('wraps other failures with what was asked and the status', async () => {
    answer = () => ({ status: 403, body: status(403, 'Forbidden') });

    const error = await cluster
      .listPods({ namespace: 'tars', labelSelector: 'app=x' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KubeError);
    expect(error).toMatchObject({
      statusCode: 403,
      request: { verb: 'list', kind: 'pods', namespace: 'tars' },
      message: 'kubernetes list pods tars failed: HTTP 403',
    });
  });

  it('restarts with the restartedAt annotation and our mark', async () => {
    seen.length = 0;
    const current = {
      metadata: { name: 'd', generation: 7, resourceVersion: '41' },
    };
    answer = () => ({ status: 200, body: current });

    await cluster.restartDeployment({
      namespace: 'tars',
      name: 'd',
      at: '2025-01-01T00:00:00.000Z',
      by: 'inc-1',
      seen: current,
    });

    expect(seen.map((s) => s.method)).toEqual(['PATCH']);
    const patch = seen.find((s) => s.method === 'PATCH');
    expect(patch?.contentType).toBe('application/strategic-merge-patch+json');
    expect(JSON.parse(patch?.body ?? '')).toEqual({
      metadata: {
        resourceVersion: '41',
        annotations: {
          'oncall.tars/rollout-by': 'inc-1',
          'oncall.tars/rollout-generation': '8',
        },
      },
      spec: {
        template: {
          metadata: {
            annotations: {
              'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00.000Z',
            },
          },
        },
      },
    });
  });

  it('restarts with the resourceVersion the caller saw, not a fresh one', async () => {
    // Prepare: a person changed the deployment (now 42) after we read 41
    seen.length = 0;
    const newer = {
      metadata: { name: 'd', generation: 8, resourceVersion: '42' },
    };
    answer = (req) =>
      req.method === 'PATCH'
        ? { status: 409, body: status(409, 'Conflict') }
        : { status: 200, body: newer };
    const read = { metadata: { name: 'd', resourceVersion: '41' } };

    // Act
    const restarting = cluster.restartDeployment({
      namespace: 'tars',
      name: 'd',
      at: '2025-01-01T00:00:00.000Z',
      by: 'inc-1',
      seen: read,
    });

    // Assess
    await expect(restarting).rejects.toBeInstanceOf(KubeConflictError);
    const patch = seen.find((s) => s.method === 'PATCH');
    expect(JSON.parse(patch?.body ?? '{}').metadata.resourceVersion).toBe('41');
  });

  it('proxies to the service port and returns a failing health answer', async () => {
    seen.length = 0;
    answer = () => ({ status: 503, body: { status: 'unhealthy' } });

    const response = await cluster.proxyGet({
      namespace: 'tars',
      service: 'tars-eval-engine',
      port: 8099,
      path: '/health',
    });

    expect(decodeURIComponent(seen[0]?.url ?? '')).toBe(
      '/api/v1/namespaces/tars/services/tars-eval-engine:8099/proxy/health',
    );
    expect(response).toEqual({ status: 503, body: { status: 'unhealthy' } });
  });

  it('sorts events by time whatever the server order', async () => {
    answer = () => ({
      status: 200,
      body: {
        items: [
          {
            metadata: { name: 'b' },
            involvedObject: {},
            lastTimestamp: '2025-01-01T00:00:09Z',
          },
          {
            metadata: { name: 'a' },
            involvedObject: {},
            eventTime: '2025-01-01T00:00:01.000000Z',
          },
        ],
      },
    });

    const events = await cluster.listEvents({ namespace: 'tars' });

    expect(events.map((e) => e.metadata.name)).toEqual(['a', 'b']);
  });

  it('reads a healthy JSON answer through the proxy', async () => {
    answer = () => ({ status: 200, body: { status: 'ok' } });

    const response = await cluster.proxyGet({
      namespace: 'tars',
      service: 'tars-eval-engine',
      port: 8099,
      path: '/health',
    });

    expect(response).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it.each([
    [{ updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 }, 'done'],
    [{ updatedReplicas: 0, readyReplicas: 1, availableReplicas: 1 }, 'timeout'],
  ])('waits for a rollout with status %o until %s', async (counts, state) => {
    const deployment = {
      metadata: { name: 'd', namespace: 'tars', generation: 2 },
      spec: { replicas: 1, selector: { matchLabels: { app: 'd' } } },
      status: { observedGeneration: 2, replicas: 1, ...counts },
    };
    answer = (req) =>
      req.url.includes('/deployments/')
        ? { status: 200, body: deployment }
        : { status: 200, body: { items: [] } };

    const result = await cluster.waitForRollout({
      namespace: 'tars',
      name: 'd',
      timeoutMs: 150,
      pollMs: 50,
    });

    expect(result.state).toBe(state);
  });
});
