import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IncidentConflictError } from '#shared/incidents/errors.ts';
import { newIncident, toPointerItem } from '#shared/incidents/items.ts';
import { createIncidentStore } from '#shared/incidents/store.ts';
import type { IncidentStore } from '#shared/incidents/types.ts';
import type { TimelineEntry } from '#shared/playbook/types.ts';
import { type LocalDynamo, startDynalite } from '#test/support/dynalite.ts';
import { fixtureAlert, openInput, shifted } from './alert-fixture.ts';

const MINUTE = 60_000;
const FIRED_AT = '2026-05-23T07:54:10.560Z';
const RESOLVED_AT = '2026-05-23T08:19:10.560Z';

let dynamo: LocalDynamo;
let store: IncidentStore;
let now: Date;
let scope = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo.stop();
});

beforeEach(() => {
  now = new Date(FIRED_AT);
  scope += 1;
  store = createIncidentStore({
    doc: dynamo.doc,
    tableName: dynamo.tableName,
    clock: () => now,
    reopenWindowMs: 30 * MINUTE,
  });
});

const firing = () => fixtureAlert('firing', `case-${scope}`);
const resolved = () => fixtureAlert('resolved', `case-${scope}`);

async function openAndResolve() {
  const opened = await store.openOrJoin(openInput(firing()));
  now = new Date(RESOLVED_AT);
  await store.resolveByAlert(resolved(), RESOLVED_AT);
  return opened.incident;
}

describe('openOrJoin', () => {
  it('opens an incident for a firing alert and joins it on repeat', async () => {
    // Prepare
    const input = openInput(firing());

    // Act
    const first = await store.openOrJoin(input);
    const repeat = await store.openOrJoin(input);

    // Assess
    expect(first.action).toBe('opened');
    expect(first.incident).toMatchObject({
      status: 'open',
      dedupKey: input.alert.dedupKey,
      playbook: 'pod-crash-looping',
      tier: 0,
      flaps: 0,
      acknowledged: null,
      lastEventAt: FIRED_AT,
      version: 1,
    });
    expect(first.incident.id).toMatch(/^inc-20260523T075410-[0-9a-f]{8}$/);
    expect(repeat).toEqual({ action: 'joined', incident: first.incident });
    expect(await store.get(first.incident.id)).toEqual(first.incident);
  });

  it('opens exactly one incident for 50 concurrent deliveries', async () => {
    // Prepare
    const input = openInput(firing());

    // Act
    const results = await Promise.all(
      Array.from({ length: 50 }, () => store.openOrJoin(input)),
    );

    // Assess
    const actions = results.map((r) => r.action);
    const ids = new Set(results.map((r) => r.incident.id));
    expect(actions.filter((a) => a === 'opened')).toHaveLength(1);
    expect(actions.filter((a) => a === 'joined')).toHaveLength(49);
    expect(ids.size).toBe(1);
    const open = await store.listOpen();
    const mine = open.filter((i) => i.dedupKey === input.alert.dedupKey);
    expect(mine.map((i) => i.id)).toEqual([...ids]);
  });

  it('opens one incident for the same alert from two Alertmanager replicas', async () => {
    // Prepare: replicas send the same alert in separate SNS messages.
    const fromReplicaA = openInput(firing());
    const fromReplicaB = openInput(structuredClone(firing()));

    // Act
    const [a, b] = await Promise.all([
      store.openOrJoin(fromReplicaA),
      store.openOrJoin(fromReplicaB),
    ]);

    // Assess
    expect([a.action, b.action].sort()).toEqual(['joined', 'opened']);
    expect(a.incident.id).toBe(b.incident.id);
  });

  it('moves the ordering guard forward when a newer firing joins', async () => {
    // Prepare
    const opened = await store.openOrJoin(openInput(firing()));
    const later = shifted(firing(), 5 * MINUTE);

    // Act
    const joined = await store.openOrJoin(openInput(later));

    // Assess
    expect(joined.action).toBe('joined');
    expect(joined.incident.id).toBe(opened.incident.id);
    expect(joined.incident.lastEventAt).toBe(later.startsAt);
    expect(joined.incident.version).toBe(2);
  });

  it('settles concurrent joins with different event times', async () => {
    // Prepare
    const opened = await store.openOrJoin(openInput(firing()));
    const repeats = Array.from({ length: 20 }, (_, n) =>
      openInput(shifted(firing(), (n + 1) * 1000)),
    );

    // Act
    const results = await Promise.all(repeats.map((r) => store.openOrJoin(r)));

    // Assess
    expect(new Set(results.map((r) => r.action))).toEqual(new Set(['joined']));
    const current = await store.get(opened.incident.id);
    expect(current?.lastEventAt).toBe(repeats.at(-1)?.eventAt);
  });

  it('ignores a firing alert older than the resolution', async () => {
    // Prepare
    const incident = await openAndResolve();
    const late = openInput(firing());

    // Act
    const result = await store.openOrJoin(late);

    // Assess
    expect(result.action).toBe('stale');
    expect(result.incident.id).toBe(incident.id);
    expect((await store.get(incident.id))?.status).toBe('resolved');
  });

  it('reopens a flapping incident within the window', async () => {
    // Prepare
    const incident = await openAndResolve();
    const refired = shifted(firing(), 35 * MINUTE);
    now = new Date(refired.startsAt ?? '');

    // Act
    const result = await store.openOrJoin(openInput(refired));

    // Assess
    expect(result.action).toBe('reopened');
    expect(result.incident).toMatchObject({
      id: incident.id,
      status: 'open',
      flaps: 1,
      resolvedAt: null,
      lastEventAt: refired.startsAt,
    });
    expect(await store.findByDedupKey(refired.dedupKey)).toEqual(
      result.incident,
    );
  });

  it('reopens once when a flapping alert arrives ten times at once', async () => {
    // Prepare
    const incident = await openAndResolve();
    const refired = openInput(shifted(firing(), 35 * MINUTE));

    // Act
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.openOrJoin(refired)),
    );

    // Assess
    const actions = results.map((r) => r.action).sort();
    expect(actions).toEqual(['reopened', ...Array(9).fill('joined')].sort());
    expect((await store.get(incident.id))?.flaps).toBe(1);
  });

  it('opens a new incident when the alert fires after the window', async () => {
    // Prepare
    const old = await openAndResolve();
    const refired = shifted(firing(), 25 * MINUTE + 31 * MINUTE);
    now = new Date(refired.startsAt ?? '');

    // Act
    const result = await store.openOrJoin(openInput(refired));

    // Assess
    expect(result.action).toBe('opened');
    expect(result.incident.id).not.toBe(old.id);
    expect(result.incident.flaps).toBe(0);
    expect((await store.get(old.id))?.status).toBe('resolved');
    expect((await store.findByDedupKey(refired.dedupKey))?.id).toBe(
      result.incident.id,
    );
  });

  it('finishes an opening whose writer stopped after the dedup pointer', async () => {
    // Prepare: the pointer is written, the incident item is not.
    const half = newIncident(openInput(firing()), now);
    await dynamo.doc.send(
      new PutCommand({
        TableName: dynamo.tableName,
        Item: toPointerItem(half),
      }),
    );

    // Act
    const result = await store.openOrJoin(openInput(firing()));

    // Assess
    expect(result).toEqual({ action: 'joined', incident: half });
    expect(await store.get(half.id)).toEqual(half);
  });
});

describe('resolveByAlert', () => {
  it('resolves the open incident at the event time', async () => {
    // Prepare
    const { incident } = await store.openOrJoin(openInput(firing()));
    now = new Date(Date.parse(RESOLVED_AT) + MINUTE);

    // Act
    const result = await store.resolveByAlert(resolved(), RESOLVED_AT);

    // Assess
    expect(result.action).toBe('resolved');
    expect(result.incident).toMatchObject({
      id: incident.id,
      status: 'resolved',
      resolvedAt: RESOLVED_AT,
      version: 2,
    });
    const open = await store.listOpen();
    expect(open.map((i) => i.id)).not.toContain(incident.id);
  });

  it('ignores a resolution older than the last firing event', async () => {
    // Prepare
    const refired = shifted(firing(), 40 * MINUTE);
    const { incident } = await store.openOrJoin(openInput(refired));

    // Act
    const result = await store.resolveByAlert(resolved(), RESOLVED_AT);

    // Assess
    expect(result.action).toBe('stale');
    expect((await store.get(incident.id))?.status).toBe('open');
  });

  it('reports a repeat and an unknown dedup key', async () => {
    // Prepare
    await openAndResolve();
    const unknown = fixtureAlert('resolved', `never-fired-${scope}`);

    // Act
    const repeat = await store.resolveByAlert(resolved(), RESOLVED_AT);
    const missing = await store.resolveByAlert(unknown, RESOLVED_AT);

    // Assess
    expect(repeat.action).toBe('already-resolved');
    expect(missing).toEqual({ action: 'not-found', incident: null });
  });
});

describe('transition', () => {
  it('lets exactly one of two concurrent transitions win', async () => {
    // Prepare
    const { incident } = await store.openOrJoin(openInput(firing()));
    const change = (to: 'remediating' | 'escalated') =>
      store.transition(incident.id, {
        from: ['open'],
        to,
        expectedVersion: incident.version,
      });

    // Act
    const results = await Promise.allSettled([
      change('remediating'),
      change('escalated'),
    ]);

    // Assess
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = won[0]?.status === 'fulfilled' ? won[0].value : null;
    const error = lost[0]?.status === 'rejected' ? lost[0].reason : null;
    expect(error).toBeInstanceOf(IncidentConflictError);
    expect(error).toMatchObject({
      currentStatus: winner?.status,
      currentVersion: 2,
    });
    expect(error.message).toContain(`found status ${winner?.status}`);
  });

  it('rejects a transition from a status the incident is not in', async () => {
    // Prepare
    const { incident } = await store.openOrJoin(openInput(firing()));

    // Act
    const attempt = store.transition(incident.id, {
      from: ['remediating'],
      to: 'mitigated',
    });

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'IncidentConflictError',
      currentStatus: 'open',
      currentVersion: 1,
    });
  });

  it('stamps the resolution when resolved by hand', async () => {
    // Prepare
    const { incident } = await store.openOrJoin(openInput(firing()));
    now = new Date(RESOLVED_AT);

    // Act
    const done = await store.transition(incident.id, {
      from: ['open', 'escalated'],
      to: 'resolved',
      patch: { tier: 1 },
    });

    // Assess
    expect(done).toMatchObject({
      status: 'resolved',
      resolvedAt: RESOLVED_AT,
      updatedAt: RESOLVED_AT,
      tier: 1,
      version: 2,
    });
  });
});

describe('acknowledge, tier and flags', () => {
  it('keeps the first acknowledgement', async () => {
    // Prepare
    const { incident } = await store.openOrJoin(openInput(firing()));

    // Act
    const first = await store.acknowledge(incident.id, 'alice');
    const second = await store.acknowledge(incident.id, 'bob');

    // Assess
    expect(first.acknowledged).toEqual({ by: 'alice', at: FIRED_AT });
    expect(second).toEqual(first);
  });

  it('refuses to acknowledge a resolved incident', async () => {
    // Prepare
    const incident = await openAndResolve();

    // Act
    const attempt = store.acknowledge(incident.id, 'alice');

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(IncidentConflictError);
  });

  it('only raises the tier and sets flags', async () => {
    // Prepare
    const { incident } = await store.openOrJoin(openInput(firing()));

    // Act
    const raised = await store.setTier(incident.id, 2);
    const kept = await store.setTier(incident.id, 1);
    const flagged = await store.setFlags(incident.id, { exhausted: true });

    // Assess
    expect(raised.tier).toBe(2);
    expect(kept.tier).toBe(2);
    expect(flagged).toMatchObject({ tier: 2, exhausted: true, version: 3 });
  });

  it('reports a missing incident by name', async () => {
    // Act
    const attempt = store.setFlags('inc-missing', { silenced: true });

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'IncidentNotFoundError',
      message: 'incident inc-missing does not exist',
    });
  });
});

describe('timeline', () => {
  const step = (n: number, at: string): TimelineEntry => ({
    at,
    step: `step-${n}`,
    kind: 'diagnose',
    target: 'traefik/pod/traefik-sz7b4',
    outcome: 'ok',
    dryRun: false,
    before: null,
    after: { n },
    reason: null,
    durationMs: n,
  });

  it('keeps the order of many steps written in the same millisecond', async () => {
    // Prepare
    const { incident } = await store.openOrJoin(openInput(firing()));
    const entries = Array.from({ length: 120 }, (_, n) => step(n, FIRED_AT));

    // Act
    for (const entry of entries) await store.appendStep(incident.id, entry);
    const timeline = await store.timeline(incident.id);

    // Assess
    expect(timeline).toEqual(entries);
  });

  it('reads a timeline longer than one query page', async () => {
    // Prepare: ~1.5 MB of steps, more than one 1 MB query page.
    const { incident } = await store.openOrJoin(openInput(firing()));
    const bulky = 'x'.repeat(50_000);
    const entries = Array.from({ length: 30 }, (_, n) => ({
      ...step(n, new Date(Date.parse(FIRED_AT) + n).toISOString()),
      before: bulky,
    }));
    for (const entry of entries) await store.appendStep(incident.id, entry);
    const firstPage = await dynamo.doc.send(
      new QueryCommand({
        TableName: dynamo.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `INCIDENT#${incident.id}` },
      }),
    );

    // Act
    const timeline = await store.timeline(incident.id);

    // Assess
    expect(firstPage.LastEvaluatedKey).toBeDefined();
    expect(timeline.map((e) => e.step)).toEqual(entries.map((e) => e.step));
  });

  it('stores page steps with their tier and drops undefined details', async () => {
    // Prepare
    const { incident } = await store.openOrJoin(openInput(firing()));
    const page: TimelineEntry = {
      ...step(1, FIRED_AT),
      step: 'page-tier-1',
      kind: 'escalate',
      outcome: 'paged',
      after: { topic: 'tier-1', extra: undefined },
      tier: 1,
    };

    // Act
    await store.appendStep(incident.id, page);
    const [stored] = await store.timeline(incident.id);

    // Assess
    expect(stored).toEqual({ ...page, after: { topic: 'tier-1' } });
  });
});

describe('the run lease', () => {
  const lease = (token: string, until: string, dryRun = false) => ({
    token,
    until,
    dryRun,
  });

  async function openIncident(now: () => Date) {
    const s = createIncidentStore({
      doc: dynamo.doc,
      tableName: dynamo.tableName,
      clock: now,
    });
    const { incident } = await s.openOrJoin(openInput(firing()));
    return { s, id: incident.id };
  }

  it('lets exactly one of many concurrent starters run', async () => {
    // Prepare
    const { s, id } = await openIncident(() => new Date());
    const until = new Date(Date.now() + 60_000).toISOString();

    // Act
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        s.claimRun(id, { mode: 'start', ...lease(`t${i}`, until) }),
      ),
    );

    // Assess
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
  });

  it('takes over an unfinished run only after its lease ran out', async () => {
    // Prepare
    let now = new Date('2026-12-03T10:00:00.000Z');
    const { s, id } = await openIncident(() => now);
    const until = '2026-12-03T10:05:30.000Z';
    await s.claimRun(id, { mode: 'start', ...lease('first', until) });

    // Act
    const early = await s.claimRun(id, {
      mode: 'take-over',
      ...lease('second', '2026-12-03T10:11:00.000Z'),
    });
    now = new Date('2026-12-03T10:06:00.000Z');
    const late = await s.claimRun(id, {
      mode: 'take-over',
      ...lease('third', '2026-12-03T10:12:00.000Z'),
    });

    // Assess
    expect(early).toBeNull();
    expect(late?.run).toMatchObject({ token: 'third', done: false });
  });

  it('never takes over a finished live run, but a live run takes a dry one', async () => {
    // Prepare
    const { s, id } = await openIncident(() => new Date());
    const past = new Date(Date.now() - 1_000).toISOString();
    const future = new Date(Date.now() + 60_000).toISOString();
    await s.claimRun(id, { mode: 'start', ...lease('dry', past, true) });
    await s.finishRun(id, 'dry');

    // Act
    const dryAgain = await s.claimRun(id, {
      mode: 'take-over',
      ...lease('dry-2', future, true),
    });
    const live = await s.claimRun(id, {
      mode: 'take-over',
      ...lease('live', future),
    });
    await s.finishRun(id, 'live');
    const afterLive = await s.claimRun(id, {
      mode: 'take-over',
      ...lease('live-2', future),
    });

    // Assess
    expect(dryAgain).toBeNull();
    expect(live).toMatchObject({ dryRun: false, run: { token: 'live' } });
    expect(afterLive).toBeNull();
  });

  it('releases a lease so a retry can take over at once', async () => {
    // Prepare
    const { s, id } = await openIncident(() => new Date());
    const future = new Date(Date.now() + 60_000).toISOString();
    await s.claimRun(id, { mode: 'start', ...lease('first', future) });

    // Act
    await s.releaseRun(id, 'other-token');
    const blocked = await s.claimRun(id, {
      mode: 'take-over',
      ...lease('second', future),
    });
    await s.releaseRun(id, 'first');
    const taken = await s.claimRun(id, {
      mode: 'take-over',
      ...lease('third', future),
    });

    // Assess
    expect(blocked).toBeNull();
    expect(taken?.run?.token).toBe('third');
  });
});
