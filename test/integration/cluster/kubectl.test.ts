import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVAL, type Harness, NS, startHarness } from './harness.ts';

const KUBECTL = '/usr/bin/kubectl';
const run = promisify(execFile);
const present = existsSync(KUBECTL);

if (!present) {
  process.stderr.write(
    `kubectl tests skipped: ${KUBECTL} is not installed on this machine\n`,
  );
}

let h: Harness;
let dir: string;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(KUBECTL, args, {
    env: { ...process.env, KUBECONFIG: join(dir, 'kubeconfig'), HOME: dir },
    timeout: 15_000,
  });
  return stdout;
}

describe.skipIf(!present)('simulated cluster under kubectl 1.32', () => {
  beforeAll(async () => {
    h = await startHarness({ now: Date.now() });
    dir = await mkdtemp(join(tmpdir(), 'tars-kubectl-'));
    await writeFile(join(dir, 'kubeconfig'), h.server.kubeconfigYaml);
  });

  afterAll(async () => {
    h.cluster.stopTicker();
    await h.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gets pods with the usual columns', async () => {
    // Act
    const out = await kubectl('get', 'pods', '-n', NS);

    // Assess
    expect(out).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    expect(out).toMatch(/tars-eval-engine-\w+-\w{5}\s+1\/1\s+Running\s+0/);
  });

  it('sorts events by last timestamp', async () => {
    // Act
    const out = await kubectl(
      'get',
      'events',
      '-n',
      NS,
      '--sort-by=.lastTimestamp',
    );

    // Assess
    expect(out).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    expect(out).toContain('Started container eval-engine');
  });

  it('tails the logs of a deployment', async () => {
    // Act
    const out = await kubectl(
      'logs',
      '-n',
      NS,
      `deployment/${EVAL}`,
      '--tail=2',
    );

    // Assess
    expect(out.trim().split('\n')).toHaveLength(2);
    expect(out).toContain('eval_engine.worker evaluation completed');
  });

  it('restarts a deployment and waits for the rollout', async () => {
    // Prepare
    h.cluster.startTicker(600);

    // Act
    const restarted = await kubectl(
      'rollout',
      'restart',
      'deployment',
      EVAL,
      '-n',
      NS,
    );
    const status = await kubectl(
      'rollout',
      'status',
      'deployment',
      EVAL,
      '-n',
      NS,
      '--timeout=10s',
    );
    const sets = await kubectl(
      'get',
      'rs',
      '-n',
      NS,
      '-l',
      `app=${EVAL}`,
      '-o',
      'json',
    );

    // Assess
    expect(restarted).toContain(`deployment.apps/${EVAL} restarted`);
    expect(status).toContain(`deployment "${EVAL}" successfully rolled out`);
    expect(JSON.parse(sets).items).toHaveLength(2);
  });

  it('patches the memory limit the way the playbook does', async () => {
    // Prepare
    const patch = JSON.stringify({
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'eval-engine', resources: { limits: { memory: '8Gi' } } },
            ],
          },
        },
      },
    });

    // Act
    const out = await kubectl(
      'patch',
      'deployment',
      EVAL,
      '-n',
      NS,
      '-p',
      patch,
    );
    const limit = await kubectl(
      'get',
      'deployment',
      EVAL,
      '-n',
      NS,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].resources.limits.memory}',
    );

    // Assess
    expect(out).toContain(`deployment.apps/${EVAL} patched`);
    expect(limit).toBe('8Gi');
  });

  it('describes a pod with its events', async () => {
    // Prepare: let the last rollout finish so no pod is on its way out
    h.cluster.stopTicker();
    h.cluster.advance(120_000);
    const name =
      (
        await kubectl(
          'get',
          'pods',
          '-n',
          NS,
          '-l',
          `app=${EVAL}`,
          '-o',
          'name',
        )
      ).split('\n')[0] ?? '';

    // Act
    const out = await kubectl('describe', '-n', NS, name);

    // Assess
    expect(out).toContain('Limits:');
    expect(out).toMatch(/memory:\s+\d+Gi/);
    expect(out).toMatch(/Normal\s+Scheduled/);
  });
});
