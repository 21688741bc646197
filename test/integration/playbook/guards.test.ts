import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalizedAlert } from '#shared/alerts/types.ts';
import type { PlaybookLimits } from '#shared/playbook/catalog.ts';
import { type ActCheck, createGuards } from '#shared/playbook/guards.ts';
import type { ActionSpec } from '#shared/playbook/types.ts';
import { type LocalDynamo, startDynalite } from '#test/support/dynalite.ts';

let dynamo: LocalDynamo;
let now = new Date('2026-03-01T10:00:00.000Z');
const clock = () => now;

beforeAll(async () => {
  dynamo = await startDynalite('guards-test');
});
afterAll(async () => {
  await dynamo.stop();
});

const limits: PlaybookLimits = {
  cooldownMs: 600_000,
  rateLimits: { restart: { limit: 3, windowMs: 3_600_000 } },
};

function spec(target: string, extra: Partial<ActionSpec> = {}): ActionSpec {
  return {
    action: 'restart',
    target,
    read: async () => ({}),
    plan: {},
    apply: async () => ({}),
    ...extra,
  };
}

function check(target: string, extra: Partial<ActCheck> = {}): ActCheck {
  return {
    spec: spec(target),
    limits,
    runId: 'run-1',
    dryRun: false,
    ...extra,
  };
}

function guards(killSwitch = false) {
  return createGuards({
    doc: dynamo.doc,
    tableName: dynamo.tableName,
    killSwitch,
    clock,
  });
}

const alert = { name: 'EvalEngineDown' } as NormalizedAlert;

describe('guards', () => {
  it('allows three restarts a window, then blocks', async () => {
    // Act
    const decisions = [];
    for (let i = 0; i < 4; i++) {
      decisions.push(await guards().checkAct(check('t/rate')));
    }

    // Assess
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions[3]).toMatchObject({ guard: 'rate-limit' });
  });

  it('lets exactly the limit through when many ask at once', async () => {
    // Act
    const decisions = await Promise.all(
      Array.from({ length: 10 }, () => guards().checkAct(check('t/race'))),
    );

    // Assess
    expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
  });

  it('does not consume the counter in dry-run', async () => {
    // Act
    for (let i = 0; i < 5; i++) {
      await guards().checkAct(check('t/dry', { dryRun: true }));
    }
    const live = await guards().checkAct(check('t/dry'));

    // Assess
    expect(live.allowed).toBe(true);
  });

  it('blocks every act when the kill switch is on', async () => {
    // Act
    const decision = await guards(true).checkAct(check('t/kill'));

    // Assess
    expect(decision).toEqual({
      allowed: false,
      guard: 'kill-switch',
      reason: 'kill switch is on',
    });
  });

  it('blocks an act over its cap and a hands-off target', async () => {
    // Prepare
    const capped = spec('t/cap', { cap: () => 'memory 32Gi is over 16Gi' });
    const busy = spec('t/busy', {
      handsOff: async () => 'rollout in progress by kubectl',
    });

    // Act
    const cap = await guards().checkAct({ ...check('t/cap'), spec: capped });
    const off = await guards().checkAct({ ...check('t/busy'), spec: busy });

    // Assess
    expect(cap).toMatchObject({ guard: 'cap', reason: /32Gi/ });
    expect(off).toMatchObject({ guard: 'hands-off', reason: /rollout/ });
  });

  it('cools a target down for other runs, not for its own', async () => {
    // Prepare
    await guards().afterAct(check('t/cool'));

    // Act
    const same = await guards().checkAct(check('t/cool'));
    const other = await guards().checkAct(check('t/cool', { runId: 'run-2' }));
    now = new Date(now.getTime() + 601_000);
    const later = await guards().checkAct(check('t/cool', { runId: 'run-3' }));

    // Assess
    expect(same.allowed).toBe(true);
    expect(other).toMatchObject({ guard: 'cooldown' });
    expect(later.allowed).toBe(true);
  });

  it('lets one of two runs racing for a target through', async () => {
    // Act: two playbooks check the same fresh target at once
    const decisions = await Promise.all(
      ['run-a', 'run-b'].map((runId) =>
        guards().checkAct(check('t/two-runs', { runId })),
      ),
    );

    // Assess
    const guardsHit = decisions.map((d) => (d.allowed ? 'allowed' : d.guard));
    expect(guardsHit.sort()).toEqual(['allowed', 'cooldown']);
  });

  it('finds a silence by alert name until it expires', async () => {
    // Prepare
    const until = new Date(now.getTime() + 60_000).toISOString();
    await guards().addSilence({
      scope: 'alert',
      key: 'EvalEngineDown',
      until,
      by: 'sre@example.com',
      reason: 'maintenance',
    });

    // Act
    const during = await guards().silenceFor(alert, 'tars/deployment/x');
    now = new Date(now.getTime() + 61_000);
    const after = await guards().silenceFor(alert, 'tars/deployment/x');

    // Assess
    expect(during).toMatchObject({ by: 'sre@example.com' });
    expect(after).toBeNull();
  });
});
