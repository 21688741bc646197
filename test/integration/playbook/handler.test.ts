import { readFileSync } from 'node:fs';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IncidentStoreError } from '#shared/incidents/errors.ts';
import { createIncidentStore } from '#shared/incidents/store.ts';
import {
  createPlaybookHandler,
  type HandlerOverrides,
} from '#shared/playbook/handler.ts';
import type { Playbook } from '#shared/playbook/types.ts';
import { type LocalDynamo, startDynalite } from '#test/support/dynalite.ts';
import {
  newThing,
  recordingNotifier,
  restartPlaybook,
  type Thing,
} from './test-playbook.ts';

const FIXTURES = new URL('../../fixtures/playbook/', import.meta.url);
const load = (name: string) =>
  JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
const snsSample = load('lambda-sns-event-aws-docs-sample.json');
const firing = load(
  'webhook-kube-prometheus-crashlooping-firing.reconstructed.json',
);
const resolved = load(
  'webhook-kube-prometheus-crashlooping-resolved.reconstructed.json',
);

let dynamo: LocalDynamo;
let workload = 0;

beforeAll(async () => {
  dynamo = await startDynalite('handler-test');
});
afterAll(async () => {
  await dynamo.stop();
});

const context = {
  functionName: 'eval-engine-high-restart-rate',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

/**
 * The fixture's crash-looping pod moved into our namespace: same shape and
 * oddities, but an eval engine pod that the restart-rate playbook claims.
 */
function webhook(template: typeof firing, deployment: string) {
  const copy = structuredClone(template);
  for (const alert of copy.alerts) {
    Object.assign(alert.labels, {
      namespace: 'tars',
      pod: `${deployment}-7d9f8b6c5-x2x4z`,
      container: 'eval-engine',
      deployment,
    });
  }
  return copy;
}

function snsEvent(message: unknown, messageId: string) {
  const event = structuredClone(snsSample);
  const sns = event.Records[0].Sns;
  sns.MessageId = messageId;
  sns.Message = JSON.stringify(message);
  sns.MessageAttributes = {
    alertname: { Type: 'String', Value: 'KubePodCrashLooping' },
  };
  return event;
}

/** The real handler over this file's dynalite, the test playbook and thing. */
function handlerFor(
  playbook: Playbook<{ thing: Thing }>,
  thing: Thing,
  overrides: HandlerOverrides = {},
) {
  return createPlaybookHandler({
    playbook,
    deps: () => ({ thing }),
    overrides: {
      dynamo: dynamo.client,
      tableName: dynamo.tableName,
      notifier: recordingNotifier(),
      ...overrides,
    },
  });
}

function setup() {
  workload += 1;
  const deployment = `tars-eval-engine-${workload}`;
  const thing = newThing();
  const metrics = new Metrics({ namespace: 'TARS/OnCall' });
  const added = vi.spyOn(metrics, 'addMetric');
  vi.spyOn(metrics, 'publishStoredMetrics').mockReturnValue(metrics);
  const run = vi.fn();
  const base = restartPlaybook({ name: 'eval-engine-high-restart-rate' });
  const playbook = {
    ...base,
    run: (ctx: Parameters<typeof base.run>[0]) => {
      run();
      return base.run(ctx);
    },
  };
  const handler = handlerFor(playbook, thing, { metrics });
  const metricNames = () => added.mock.calls.map((call) => call[0]);
  return { deployment, thing, handler, run, metricNames };
}

const store = () =>
  createIncidentStore({ doc: dynamo.doc, tableName: dynamo.tableName });

describe('playbook handler', () => {
  it('opens one incident and runs the playbook for a firing alert', async () => {
    // Prepare
    const { deployment, thing, handler, metricNames } = setup();
    const event = snsEvent(webhook(firing, deployment), `m-${deployment}`);

    // Act
    const summary = await handler(event, context);

    // Assess
    const [result] = summary.results;
    expect(summary.rejected).toEqual([]);
    expect(result).toMatchObject({
      messageId: `m-${deployment}`,
      fingerprint: 'bb509fb16298dbf2',
      action: 'opened',
      outcome: 'mitigated',
      status: 'mitigated',
    });
    expect(thing.restarts).toBe(1);
    const incident = await store().get(result?.incidentId ?? '');
    expect(incident?.playbook).toBe('eval-engine-high-restart-rate');
    expect(incident?.severity).toBe('P1');
    expect(metricNames()).toContain('Remediated');
  });

  it('acts on nothing for a duplicate delivery', async () => {
    // Prepare
    const { deployment, thing, handler, run, metricNames } = setup();
    const event = snsEvent(webhook(firing, deployment), `m-${deployment}`);
    const first = await handler(event, context);

    // Act
    const second = await handler(event, context);

    // Assess
    expect(run).toHaveBeenCalledTimes(1);
    expect(thing.restarts).toBe(1);
    // The first delivery's stored result, not a fresh `joined`.
    expect(second.results[0]).toEqual(first.results[0]);
    expect(metricNames()).toContain('Duplicate');
  });

  it('runs the playbook once for 50 concurrent deliveries', async () => {
    // Prepare: 40 deliveries under their own message ids (Alertmanager
    // replicas and repeats) and 10 SNS redeliveries of some of those.
    const { deployment, thing, handler, run } = setup();
    const message = webhook(firing, deployment);
    const ids = Array.from({ length: 40 }, (_, i) => `m-${deployment}-${i}`);
    const events = [...ids, ...ids.slice(0, 10)].map((id) =>
      snsEvent(message, id),
    );

    // Act: all at once; SNS retries whatever the handler threw
    const settled = await Promise.allSettled(
      events.map((event) => handler(event, context)),
    );
    const retried = await Promise.all(
      events
        .filter((_, i) => settled[i]?.status === 'rejected')
        .map((event) => handler(event, context)),
    );

    // Assess
    const errors = settled.flatMap((s) =>
      s.status === 'rejected' ? [(s.reason as Error).name] : [],
    );
    const results = [
      ...settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])),
      ...retried,
    ].map((summary) => summary.results[0]);
    expect(run).toHaveBeenCalledTimes(1);
    expect(thing.restarts).toBe(1);
    expect(new Set(errors)).toEqual(
      new Set(errors.length ? ['IdempotencyAlreadyInProgressError'] : []),
    );
    expect(results).toHaveLength(50);
    // Only one message opened it; a redelivery of that message returns
    // the stored `opened` result, every other message joined.
    const openers = results.filter((r) => r?.action === 'opened');
    expect(new Set(openers.map((r) => r?.messageId)).size).toBe(1);
    const others = results.filter((r) => r?.action !== 'opened');
    expect(new Set(others.map((r) => r?.action))).toEqual(new Set(['joined']));
    expect(new Set(results.map((r) => r?.incidentId)).size).toBe(1);
  });

  it('resolves the incident when the alert resolves', async () => {
    // Prepare
    const { deployment, handler } = setup();
    const open = snsEvent(webhook(firing, deployment), `m-${deployment}-a`);
    const close = snsEvent(webhook(resolved, deployment), `m-${deployment}-b`);
    const opened = await handler(open, context);

    // Act
    const summary = await handler(close, context);

    // Assess
    const id = opened.results[0]?.incidentId ?? '';
    expect(summary.results[0]).toMatchObject({
      action: 'resolved',
      incidentId: id,
    });
    expect((await store().get(id))?.status).toBe('resolved');
    expect((await store().timeline(id)).at(-1)).toMatchObject({
      step: 'alert-resolved',
      kind: 'decide',
      outcome: 'ok',
    });
  });

  it('reports an alert that is not for this playbook and acts on nothing', async () => {
    // Prepare: the fixture as it came, a traefik pod in its own namespace
    const { handler, run } = setup();
    const event = snsEvent(firing, 'm-traefik');

    // Act
    const summary = await handler(event, context);

    // Assess
    expect(summary.results[0]).toMatchObject({
      action: 'not-mine',
      incidentId: null,
    });
    expect(run).not.toHaveBeenCalled();
  });

  it('counts and returns a record that is not an alert', async () => {
    // Prepare
    const { handler, metricNames } = setup();

    // Act
    const summary = await handler(snsSample, context);

    // Assess
    expect(summary.results).toEqual([]);
    expect(summary.rejected).toHaveLength(1);
    expect(metricNames()).toContain('Rejected');
  });
});

describe('alerts without a message id', () => {
  /** A CloudWatch alarm invoking the function directly. */
  function directAlarm(deployment: string, value: 'ALARM' | 'OK', at: string) {
    return {
      source: 'aws.cloudwatch',
      alarmArn: `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${deployment}`,
      accountId: '000000000000',
      time: at,
      region: 'us-east-1',
      alarmData: {
        alarmName: 'EvalEngineHighRestartRate',
        state: { value, reason: 'Threshold Crossed', timestamp: at },
        previousState: { value: value === 'OK' ? 'ALARM' : 'OK' },
        configuration: {
          metrics: [
            {
              id: 'm1',
              metricStat: {
                metric: {
                  namespace: 'ContainerInsights',
                  name: 'pod_number_of_container_restarts',
                  dimensions: { namespace: 'tars', deployment },
                },
              },
            },
          ],
        },
      },
    };
  }

  it('resolves a direct alarm when its OK follows its ALARM', async () => {
    // Prepare
    const { deployment, handler } = setup();
    const alarm = directAlarm(deployment, 'ALARM', '2026-12-03T10:00:00.000Z');
    const ok = directAlarm(deployment, 'OK', '2026-12-03T10:05:00.000Z');
    const opened = await handler(alarm, context);

    // Act
    const closed = await handler(ok, context);

    // Assess
    const id = opened.results[0]?.incidentId ?? '';
    expect(opened.results[0]?.action).toBe('opened');
    expect(closed.results[0]).toMatchObject({
      action: 'resolved',
      incidentId: id,
    });
    expect((await store().get(id))?.status).toBe('resolved');
  });
});

describe('the run lease', () => {
  /** Handlers over one workload, each with its own clock and mode. */
  function world() {
    workload += 1;
    const deployment = `tars-eval-engine-${workload}`;
    const thing = newThing();
    const runs: string[] = [];
    const base = restartPlaybook({ name: 'eval-engine-high-restart-rate' });
    let crashes = 0;
    const handler = (options: {
      now: () => Date;
      dryRun?: boolean;
      crash?: number;
    }) => {
      crashes = options.crash ?? 0;
      const playbook = {
        ...base,
        run: async (ctx: Parameters<typeof base.run>[0]) => {
          runs.push(ctx.dryRun ? 'dry-run' : 'live');
          if (crashes > 0) {
            crashes -= 1;
            // As a store outage or a killed process would leave it.
            throw new IncidentStoreError('simulated crash mid-run');
          }
          return base.run(ctx);
        },
      };
      return handlerFor(playbook, thing, {
        metrics: quietMetrics(),
        clock: options.now,
        dryRun: options.dryRun ?? false,
      });
    };
    return { deployment, thing, runs, handler };
  }

  function quietMetrics() {
    const metrics = new Metrics({ namespace: 'TARS/OnCall' });
    vi.spyOn(metrics, 'publishStoredMetrics').mockReturnValue(metrics);
    return metrics;
  }

  it("lets the retry of a failed run take over the incident's run", async () => {
    // Prepare: the first run fails after the incident opened
    const { deployment, thing, runs, handler } = world();
    const h = handler({ now: () => new Date(), crash: 1 });
    const event = snsEvent(webhook(firing, deployment), `m-${deployment}`);
    await expect(h(event, context)).rejects.toThrow('simulated crash');

    // Act: SNS delivers the same message again
    const retry = await h(event, context);

    // Assess
    expect(retry.results[0]).toMatchObject({
      action: 'taken-over',
      outcome: 'mitigated',
    });
    expect(runs).toEqual(['live', 'live']);
    expect(thing.restarts).toBe(1);
    const id = retry.results[0]?.incidentId ?? '';
    const steps = (await store().timeline(id)).map((e) => e.step);
    expect(steps[0]).toBe('take-over-run');
    expect((await store().get(id))?.run).toMatchObject({ done: true });
  });

  it('runs live over an incident a dry-run planned, and only once', async () => {
    // Prepare
    const { deployment, thing, runs, handler } = world();
    const now = () => new Date();
    const message = webhook(firing, deployment);
    await handler({ now, dryRun: true })(
      snsEvent(message, `m-${deployment}-dry`),
      context,
    );

    // Act: the same alert, live, from two Alertmanager replicas at once
    const live = handler({ now });
    const results = await Promise.all(
      ['a', 'b'].map((r) =>
        live(snsEvent(message, `m-${deployment}-${r}`), context),
      ),
    );

    // Assess
    const actions = results.map((r) => r.results[0]?.action).sort();
    expect(actions).toEqual(['joined', 'taken-over']);
    expect(runs).toEqual(['dry-run', 'live']);
    expect(thing.restarts).toBe(1);
    const id = results[0]?.results[0]?.incidentId ?? '';
    expect(await store().get(id)).toMatchObject({
      status: 'mitigated',
      dryRun: false,
    });
  });

  it('does not let a dry-run take over what a dry-run planned', async () => {
    // Prepare
    const { deployment, runs, handler } = world();
    const dry = handler({ now: () => new Date(), dryRun: true });
    const message = webhook(firing, deployment);
    await dry(snsEvent(message, `m-${deployment}-1`), context);

    // Act
    const again = await dry(snsEvent(message, `m-${deployment}-2`), context);

    // Assess
    expect(again.results[0]?.action).toBe('joined');
    expect(runs).toEqual(['dry-run']);
  });
});

describe('pages that fail', () => {
  it('counts an escalation that paged nobody, for the stack to alarm on', async () => {
    // Prepare: a stuck workload, and every page fails
    workload += 1;
    const deployment = `tars-eval-engine-${workload}`;
    const thing = { ...newThing(), stuck: true };
    const metrics = new Metrics({ namespace: 'TARS/OnCall' });
    const added = vi.spyOn(metrics, 'addMetric');
    vi.spyOn(metrics, 'publishStoredMetrics').mockReturnValue(metrics);
    const notifier = {
      ...recordingNotifier(),
      page: async () => {
        throw new Error('SNS said no');
      },
    };
    const handler = handlerFor(
      restartPlaybook({ name: 'eval-engine-high-restart-rate' }),
      thing,
      { notifier, metrics },
    );
    const event = snsEvent(webhook(firing, deployment), `m-${deployment}`);

    // Act
    const summary = await handler(event, context);

    // Assess
    expect(summary.results[0]).toMatchObject({
      outcome: 'escalated',
      paged: [],
    });
    expect(added.mock.calls.map((call) => call[0])).toContain('PageFailed');
  });
});

describe('one problem, two sources', () => {
  it('joins an alarm without workload labels to the alert for its default target', async () => {
    // Prepare: EvalEngineDown's default target is tars/tars-eval-engine
    const handler = handlerFor(
      restartPlaybook({ name: 'eval-engine-down' }),
      newThing(),
    );
    const down = structuredClone(firing);
    for (const a of down.alerts) {
      a.labels = {
        alertname: 'EvalEngineDown',
        namespace: 'tars',
        deployment: 'tars-eval-engine',
      };
    }
    const alert = snsEvent(down, 'm-down');
    alert.Records[0].Sns.MessageAttributes.alertname.Value = 'EvalEngineDown';
    const alarm = {
      source: 'aws.cloudwatch',
      alarmArn: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:down',
      accountId: '000000000000',
      time: '2026-12-03T10:01:00.000Z',
      region: 'us-east-1',
      alarmData: {
        alarmName: 'EvalEngineDown',
        state: {
          value: 'ALARM',
          reason: 'Threshold Crossed',
          timestamp: '2026-12-03T10:01:00.000Z',
        },
      },
    };

    // Act
    const first = await handler(alert, context);
    const second = await handler(alarm, context);

    // Assess
    expect(first.results[0]?.action).toBe('opened');
    expect(second.results[0]).toMatchObject({
      action: 'joined',
      incidentId: first.results[0]?.incidentId,
    });
  });
});
