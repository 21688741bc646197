import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '#local/cluster/faults.ts';
import type { Incident } from '#shared/incidents/types.ts';
import type { TimelineEntry } from '#shared/playbook/types.ts';

const run = promisify(execFile);
// A drill takes a few seconds alone; the suite runs a dozen side by side on
// two cores, next to the other test files.
const DRILL_TIMEOUT_MS = 120_000;
const SNAPSHOT = 'test/fixtures/snapshots/tars-oom-killed.kubectl-list.json';

interface Drill {
  incident: Incident;
  timeline: TimelineEntry[];
}

/** Runs the drill as a user does, one process per drill. */
async function drill(...args: string[]): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['local/cli/drill.ts', 'EvalEngineDown', ...args],
    { timeout: DRILL_TIMEOUT_MS, maxBuffer: 1 << 24 },
  );
  return stdout;
}

async function drillJson(...args: string[]): Promise<Drill> {
  return JSON.parse(await drill(...args, '--json')) as Drill;
}

const steps = (d: Drill, kind?: string) =>
  d.timeline
    .filter((e) => kind === undefined || e.kind === kind)
    .map((e) => `${e.kind} ${e.step} ${e.outcome}`);

const decision = (d: Drill) => d.timeline.find((e) => e.kind === 'decide');

const DIAGNOSIS = [
  'diagnose check-pods ok',
  'diagnose recent-events ok',
  'diagnose read-logs ok',
];

// Every drill starts its own world; running them side by side keeps the
// suite near the length of the slowest one.
describe.concurrent('EvalEngineDown drill through the SNS event path', {
  timeout: DRILL_TIMEOUT_MS,
}, () => {
  const drills: Record<string, Promise<Drill>> = {};
  beforeAll(() => {
    for (const scenario of FAULT_KINDS) {
      drills[scenario] = drillJson('--scenario', scenario);
    }
  });
  const result = (scenario: string) =>
    drills[scenario] ?? Promise.reject(new Error(`no drill ${scenario}`));

  it('raises the memory limit of an OOM-killed engine and resolves', async () => {
    const d = await result('oom-killed');

    expect(steps(d)).toEqual([
      ...DIAGNOSIS,
      'notify notify-diagnosis ok',
      'diagnose read-deployment ok',
      'act raise-memory-limit ok',
      'verify rollout-complete ok',
      'verify health ok',
      'decide mitigated ok',
      'notify notify-mitigated ok',
      'decide alert-resolved ok',
    ]);
    const act = d.timeline.find((e) => e.step === 'raise-memory-limit');
    expect(act?.before).toMatchObject({ limit: '4Gi' });
    expect(act?.after).toMatchObject({ change: { limit: '8Gi' } });
    expect(d.incident).toMatchObject({ status: 'resolved', tier: 0 });
  });

  it('restarts a crash-looping engine whose dependencies are up', async () => {
    const d = await result('crash-loop');

    expect(steps(d, 'act')).toEqual(['act restart-deployment ok']);
    expect(steps(d, 'verify')).toEqual([
      'verify rollout-complete ok',
      'verify health ok',
    ]);
    expect(steps(d, 'escalate')).toEqual([]);
    expect(d.incident).toMatchObject({ status: 'resolved', tier: 0 });
  });

  it('escalates without restarting when PostgreSQL is the cause', async () => {
    const d = await result('dependency-down');

    expect(steps(d, 'act')).toEqual([]);
    expect(steps(d)).toContain('diagnose check-dependency ok');
    expect(decision(d)?.reason).toMatch(/postgres/i);
    expect(steps(d, 'escalate')).toEqual(['escalate page-tier-1 paged']);
    expect(d.incident).toMatchObject({ status: 'escalated', tier: 1 });
  });

  it('reports the image and its pull error, and escalates', async () => {
    const d = await result('image-pull');

    expect(steps(d, 'act')).toEqual([]);
    expect(decision(d)?.step).toBe('escalate-image-pull');
    expect(decision(d)?.reason).toMatch(/tars\/eval-engine:[\w.]+.*NotFound/);
    expect(d.incident).toMatchObject({ status: 'escalated', tier: 1 });
  });

  it("reports the scheduler's reasons for pending pods, and escalates", async () => {
    const d = await result('unschedulable');

    expect(steps(d, 'act')).toEqual([]);
    expect(decision(d)?.step).toBe('escalate-unschedulable');
    expect(decision(d)?.reason).toContain('Insufficient memory');
    expect(d.incident.status).toBe('escalated');
  });

  it('says the pods are healthy and escalates to a person', async () => {
    const d = await result('healthy');

    expect(steps(d, 'act')).toEqual([]);
    expect(decision(d)).toMatchObject({
      step: 'escalate-pods-healthy',
      reason: 'pods healthy',
    });
    expect(d.incident.status).toBe('escalated');
  });
});

describe.concurrent('EvalEngineDown drill in other alert formats', {
  timeout: DRILL_TIMEOUT_MS,
}, () => {
  it.each([
    ['alertmanager-text', 'crash-loop', 'act restart-deployment ok'],
    ['cloudwatch', 'oom-killed', 'act raise-memory-limit ok'],
  ])('acts on the %s format (%s)', async (source, scenario, act) => {
    const d = await drillJson('--scenario', scenario, '--source', source);

    expect(d.incident.alert.source).toBe(source);
    expect(steps(d, 'act')).toEqual([act]);
    expect(d.incident.status).toBe('resolved');
  });
});

describe.concurrent('EvalEngineDown drill in dry-run', {
  timeout: DRILL_TIMEOUT_MS,
}, () => {
  it('plans the fix, changes nothing and pages nobody', async () => {
    const out = await drill('--scenario', 'oom-killed', '--dry-run');

    expect(out).toMatch(/act\s+raise-memory-limit\s+planned \(dry\)/);
    expect(out).toContain('cluster writes: 0');
    // Channels hear about it, marked; no tier is paged.
    expect(out).toMatch(/tars-critical +\[P0\] EvalEngineDown: \[dry-run\]/);
    expect(out).not.toMatch(/^ +tier-\d/m);
    expect(out).toMatch(/status open .* dry-run/);
  });

  it('replays a kubectl snapshot and shows what it would do', async () => {
    const out = await drill('--snapshot', SNAPSHOT);
    const d = await drillJson('--snapshot', SNAPSHOT);

    expect(out).toContain('cluster writes: 0');
    expect(steps(d, 'act')).toEqual(['act raise-memory-limit planned']);
    expect(d.timeline.every((e) => e.dryRun)).toBe(true);
    expect(d.incident).toMatchObject({ status: 'open', dryRun: true });
  });
});

describe('drill usage errors', () => {
  it('names the drillable alerts when the alert has no playbook', async () => {
    const failed = run(process.execPath, ['local/cli/drill.ts', 'NoSuch']);

    await expect(failed).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('drillable: EvalEngineDown'),
    });
  });

  it('refuses a snapshot without the pods it would diagnose', async () => {
    // Prepare: the deployment alone, as `kubectl get deployment` gives it
    const list = JSON.parse(readFileSync(SNAPSHOT, 'utf8'));
    list.items = list.items.filter(
      (item: { kind: string }) => item.kind === 'Deployment',
    );
    const dir = mkdtempSync(join(tmpdir(), 'drill-test-'));
    const path = join(dir, 'deployments-only.json');
    writeFileSync(path, JSON.stringify(list));

    // Act
    const failed = run(process.execPath, [
      'local/cli/drill.ts',
      'EvalEngineDown',
      '--snapshot',
      path,
    ]);

    // Assess
    await expect(failed).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('the snapshot has no pods in tars'),
    });
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to add a fault to a snapshot', async () => {
    const failed = run(process.execPath, [
      'local/cli/drill.ts',
      'EvalEngineDown',
      '--snapshot',
      SNAPSHOT,
      '--scenario',
      'image-pull',
    ]);

    await expect(failed).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('replayed as it is'),
    });
  });

  it('rejects an unknown scenario with the list of scenarios', async () => {
    const failed = run(process.execPath, [
      'local/cli/drill.ts',
      'EvalEngineDown',
      '--scenario',
      'meteor',
    ]);

    await expect(failed).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('oom-killed, crash-loop'),
    });
  });
});
