import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIncidentStore } from '#shared/incidents/store.ts';
import type { IncidentStore } from '#shared/incidents/types.ts';
import type { Notifier } from '#shared/notify/sns.ts';
import { createSnsNotifier } from '#shared/notify/sns.ts';
import { entryFor, resolveTarget } from '#shared/playbook/catalog.ts';
import { createGuards } from '#shared/playbook/guards.ts';
import { runPlaybook } from '#shared/playbook/runtime.ts';
import type { Playbook } from '#shared/playbook/types.ts';
import { type LocalDynamo, startDynalite } from '#test/support/dynalite.ts';
import {
  firingAlert,
  newThing,
  recordingNotifier,
  restartPlaybook,
  type Thing,
} from './test-playbook.ts';

let dynamo: LocalDynamo;
let store: IncidentStore;

beforeAll(async () => {
  dynamo = await startDynalite('runtime-test');
  store = createIncidentStore({ doc: dynamo.doc, tableName: dynamo.tableName });
});
afterAll(async () => {
  await dynamo.stop();
});

const entry = entryFor('eval-engine-down') ?? raise('catalog entry');

function raise(what: string): never {
  throw new Error(`missing ${what}`);
}

/**
 * Each run gets its own target (so guard counters do not leak between
 * tests) and its own incident.
 */
async function run(
  options: {
    thing?: Thing;
    dryRun?: boolean;
    killSwitch?: boolean;
    playbook?: Playbook<{ thing: Thing }>;
    target?: string;
    guardClock?: () => Date;
    notifier?: Notifier;
  } = {},
) {
  const alert = firingAlert();
  const target = {
    ...resolveTarget(alert, entry),
    deployment: options.target ?? alert.dedupKey.split('/')[2] ?? null,
  };
  const dryRun = options.dryRun ?? false;
  const opened = await store.openOrJoin({
    alert,
    playbook: entry.playbook,
    severity: entry.severity,
    target,
    dryRun,
    eventAt: alert.startsAt ?? '',
  });
  const recorded = recordingNotifier();
  const notifier = options.notifier ?? recorded;
  const thing = options.thing ?? newThing();
  const guards = createGuards({
    doc: dynamo.doc,
    tableName: dynamo.tableName,
    killSwitch: options.killSwitch ?? false,
    clock: options.guardClock,
  });
  const result = await runPlaybook({
    playbook: options.playbook ?? restartPlaybook(),
    incident: opened.incident,
    alert,
    target,
    severity: entry.severity,
    dryRun,
    deps: { thing },
    store,
    guards,
    notifier,
    entry,
  });
  const timeline = await store.timeline(opened.incident.id);
  const incident = await store.get(opened.incident.id);
  return {
    result,
    timeline,
    incident,
    notifier: recorded,
    thing,
    guards,
    alert,
  };
}

const steps = (timeline: { step: string; outcome: string }[]) =>
  timeline.map((e) => `${e.step}:${e.outcome}`);

describe('playbook runtime', () => {
  it('records each step with before, after and duration', async () => {
    // Act
    const { result, timeline, incident, notifier } = await run();

    // Assess
    expect(result.outcome).toBe('mitigated');
    expect(incident?.status).toBe('mitigated');
    expect(steps(timeline)).toEqual([
      'read-thing:ok',
      'restart-thing:ok',
      'thing-healthy:ok',
      'mitigated:ok',
      'notify-mitigated:ok',
    ]);
    const act = timeline.find((e) => e.step === 'restart-thing');
    expect(act).toMatchObject({
      kind: 'act',
      before: { restarts: 0 },
      after: { restarts: 1 },
      dryRun: false,
    });
    for (const entry of timeline) {
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(entry.at)).not.toBeNaN();
    }
    expect(notifier.pages).toHaveLength(0);
    expect(notifier.posts[0]?.channel).toBe('tars-critical');
  });

  it('plans in dry-run: never applies, never pages, never mitigated', async () => {
    // Act
    const { result, timeline, incident, notifier, thing } = await run({
      dryRun: true,
    });

    // Assess
    expect(thing.restarts).toBe(0);
    expect(result.outcome).toBe('planned');
    expect(incident?.status).toBe('open');
    expect(incident?.dryRun).toBe(true);
    const act = timeline.find((e) => e.step === 'restart-thing');
    expect(act).toMatchObject({
      outcome: 'planned',
      dryRun: true,
      after: { restarts: 1 },
    });
    expect(steps(timeline)).toContain('dry-run-plan:ok');
    expect(notifier.pages).toHaveLength(0);
    expect(notifier.posts).toHaveLength(0);
  });

  it('records skipped pages when a dry-run would escalate', async () => {
    // Prepare
    const thing = { ...newThing(), rollout: 'by kubectl' };

    // Act
    const { timeline, notifier, incident } = await run({
      dryRun: true,
      thing,
    });

    // Assess
    const page = timeline.find((e) => e.step === 'page-tier-1');
    expect(page).toMatchObject({ outcome: 'skipped', reason: 'dry-run' });
    expect(steps(timeline)).toContain('dry-run-would-escalate:ok');
    expect(notifier.pages).toHaveLength(0);
    // The channel still hears of it, marked as a dry-run.
    expect(notifier.posts.map((p) => p.message.subject)).toEqual([
      expect.stringMatching(/: \[dry-run\] would escalate$/),
    ]);
    expect(incident?.status).toBe('open');
  });

  it('blocks every act under the kill switch and escalates why', async () => {
    // Act
    const { result, timeline, incident, notifier, thing } = await run({
      killSwitch: true,
    });

    // Assess
    expect(thing.restarts).toBe(0);
    expect(steps(timeline)).toEqual([
      'read-thing:ok',
      'guard-kill-switch:ok',
      'restart-thing:blocked',
      'escalate-blocked:ok',
      'page-tier-1:paged',
      'notify-escalated:ok',
    ]);
    expect(result.reason).toMatch(/kill switch/);
    expect(incident?.status).toBe('escalated');
    expect(incident?.tier).toBe(1);
    expect(notifier.pages.map((p) => p.tier)).toEqual([1]);
  });

  it('allows three restarts of a target an hour, then blocks', async () => {
    // Prepare
    const target = `rate-limited-${Date.now()}`;
    const outcomes: string[] = [];
    // Eleven minutes apart: past each cooldown, inside one hour's window.
    const hour = Date.parse('2026-03-01T10:00:00.000Z');

    // Act
    for (let i = 0; i < 4; i++) {
      const guardClock = () => new Date(hour + i * 11 * 60_000);
      const { timeline } = await run({ target, guardClock });
      const act = timeline.find((e) => e.step === 'restart-thing');
      outcomes.push(act?.outcome ?? 'missing');
    }

    // Assess
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'blocked']);
  });

  it('cools a target down after another run acted on it', async () => {
    // Prepare: a playbook that acts with a cooldown guard key of its own
    const playbook = memoryPlaybook();
    await run({ playbook, thing: newThing() });

    // Act
    const second = await run({ playbook, thing: newThing() });

    // Assess
    const guard = second.timeline.find((e) => e.kind === 'guard');
    expect(guard?.step).toBe('guard-cooldown');
    expect(second.result.outcome).toBe('escalated');
  });

  it('takes no action and pages nobody for a silenced alert', async () => {
    // Prepare
    const { guards } = await run();
    await guards.addSilence({
      scope: 'alert',
      key: 'EvalEngineDown',
      until: new Date(Date.now() + 60_000).toISOString(),
      by: 'sre@example.com',
      reason: 'planned maintenance',
    });

    // Act
    const silenced = await run();
    await guards.addSilence({
      scope: 'alert',
      key: 'EvalEngineDown',
      until: new Date(Date.now() - 1).toISOString(),
      by: 'sre@example.com',
      reason: 'over',
    });

    // Assess
    expect(silenced.result.outcome).toBe('silenced');
    expect(steps(silenced.timeline)).toEqual(['silenced:ok']);
    expect(silenced.incident?.silenced).toBe(true);
    expect(silenced.thing.restarts).toBe(0);
    expect(silenced.notifier.pages).toHaveLength(0);
  });

  it('does not act while a rollout it did not start is running', async () => {
    // Prepare
    const thing = { ...newThing(), rollout: 'rev 7 by kubectl' };

    // Act
    const { timeline, result, thing: after } = await run({ thing });

    // Assess
    expect(after.restarts).toBe(0);
    const guard = timeline.find((e) => e.kind === 'guard');
    expect(guard).toMatchObject({
      step: 'guard-hands-off',
      reason: 'rollout rev 7 by kubectl in progress',
    });
    expect(result.outcome).toBe('escalated');
  });

  it('blocks an act over its cap', async () => {
    // Act
    const { timeline, thing } = await run({
      playbook: restartPlaybook({ memory: '32Gi' }),
    });

    // Assess
    expect(thing.memory).toBe('4Gi');
    expect(steps(timeline)).toContain('raise-memory-limit:blocked');
    expect(steps(timeline)).toContain('guard-cap:ok');
  });

  it('escalates with the error when an apply fails', async () => {
    // Prepare
    const thing = { ...newThing(), failApply: true };

    // Act
    const { timeline, result, incident } = await run({ thing });

    // Assess
    const act = timeline.find((e) => e.step === 'restart-thing');
    expect(act).toMatchObject({ outcome: 'failed', reason: /500/ });
    expect(steps(timeline)).toContain('escalate-failed:ok');
    expect(result.reason).toMatch(/api server said 500/);
    expect(incident?.status).toBe('escalated');
  });

  it('pages tier 1 and moves to escalated when a fix does not hold', async () => {
    // Prepare
    const thing = { ...newThing(), stuck: true };

    // Act
    const { timeline, incident, notifier } = await run({ thing });

    // Assess
    expect(steps(timeline)).toContain('thing-healthy:failed');
    expect(steps(timeline)).toContain('escalate-unfixable:ok');
    expect(incident?.status).toBe('escalated');
    expect(notifier.pages[0]?.message.incidentId).toBe(incident?.id);
  });

  it('records a failed page and notify when a topic is missing', async () => {
    // Prepare: tier 1 has a topic, the channel has none
    const sns = new SNSClient({ region: 'us-east-1' });
    mockClient(sns).on(PublishCommand).resolves({ MessageId: 'm' });
    const notifier = createSnsNotifier({
      sns,
      topics: {
        channels: {},
        tiers: { 1: 'arn:aws:sns:us-east-1:123456789012:tier-1' },
      },
    });
    const thing = { ...newThing(), stuck: true };

    // Act
    const { timeline, incident } = await run({ thing, notifier });

    // Assess
    const page = timeline.find((e) => e.step === 'page-tier-1');
    const post = timeline.find((e) => e.step === 'notify-escalated');
    expect(page?.outcome).toBe('paged');
    expect(post).toMatchObject({
      outcome: 'failed',
      reason: /MissingTopicError: no SNS topic configured for tars-critical/,
    });
    expect(incident?.status).toBe('escalated');
  });

  it('records an error outside any step and escalates with it', async () => {
    // Prepare
    const playbook: Playbook<{ thing: Thing }> = {
      name: 'eval-engine-down',
      run: async () => {
        throw new TypeError('cannot read spec of undefined');
      },
    };

    // Act
    const { timeline, result } = await run({ playbook });

    // Assess
    expect(steps(timeline)[0]).toBe('escalate-error:ok');
    expect(result.reason).toMatch(/cannot read spec/);
  });
});

function memoryPlaybook(): Playbook<{ thing: Thing }> {
  const target = `tars/deployment/cooldown-${Date.now()}`;
  return {
    name: 'eval-engine-down',
    async run(ctx) {
      await ctx.act('raise-memory-limit', {
        action: 'raise-memory',
        target,
        read: async () => ({ memory: ctx.deps.thing.memory }),
        plan: { memory: '8Gi' },
        apply: async () => ({ memory: '8Gi' }),
      });
      return { status: 'mitigated', reason: 'raised' };
    },
  };
}

describe('verification', () => {
  it('escalates a mitigated verdict that no check confirmed', async () => {
    // Prepare: a playbook that acts and claims success without a verify
    const careless: Playbook<{ thing: Thing }> = {
      name: 'eval-engine-down',
      async run(ctx) {
        const { thing } = ctx.deps;
        await ctx.act('restart-thing', {
          action: 'restart',
          target: ctx.target.deployment ?? 'thing',
          read: async () => ({ restarts: thing.restarts }),
          plan: { restarts: thing.restarts + 1 },
          apply: async () => {
            thing.restarts += 1;
            return { restarts: thing.restarts };
          },
        });
        return { status: 'mitigated', reason: 'restarted, surely fine' };
      },
    };

    // Act
    const { result, timeline, incident } = await run({ playbook: careless });

    // Assess
    expect(result.outcome).toBe('escalated');
    expect(timeline.find((e) => e.kind === 'decide')).toMatchObject({
      step: 'escalate-unverified',
      reason: expect.stringContaining('restart-thing was not verified'),
    });
    expect(incident?.status).toBe('escalated');
  });
});
