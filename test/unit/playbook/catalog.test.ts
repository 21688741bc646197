import { describe, expect, it } from 'vitest';
import type { NormalizedAlert } from '#shared/alerts/types.ts';
import {
  alertNames,
  CATALOG,
  matchPlaybook,
  resolveTarget,
  targetKey,
} from '#shared/playbook/catalog.ts';

function alert(
  name: string,
  labels: Record<string, string> = {},
): NormalizedAlert {
  return {
    source: 'alertmanager',
    name,
    status: 'firing',
    severity: null,
    labels: { alertname: name, ...labels },
    annotations: {},
    startsAt: '2026-01-01T00:00:00.000Z',
    endsAt: null,
    fingerprint: '0123456789abcdef',
    dedupKey: `${name}/tars/x`,
    warnings: [],
  };
}

describe('catalog', () => {
  it('has one entry per playbook with kebab-case names', () => {
    // Act
    const names = CATALOG.map((e) => e.playbook);

    // Assess
    expect(new Set(names).size).toBe(8);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it.each([
    ['EvalEngineDown', 'P0', 'tars-critical', 15],
    ['CriticalRegressionDetected', 'P0', 'tars-critical', 15],
    ['HighEvaluationLatency', 'P1', 'tars-alerts', 60],
    ['PostgreSQLConnectionPoolExhausted', 'P1', 'tars-alerts', 60],
    ['EvaluationFailureRateHigh', 'P1', 'tars-alerts', 60],
    ['EvalEnginePodCPUHigh', 'P1', 'tars-alerts', 60],
    ['EvalEngineHighRestartRate', 'P1', 'tars-alerts', 60],
    ['HyperSyncRollbackFailures', 'P0', 'tars-critical', 15],
  ])('routes %s as %s to %s, respond within %i min', (name, sev, ch, min) => {
    // Act
    const entry = matchPlaybook(alert(name));

    // Assess
    expect(entry?.severity).toBe(sev);
    expect(entry?.channel).toBe(ch);
    expect(entry?.escalation.respondWithinMs).toBe(min * 60_000);
    expect(entry?.escalation.tiers).toEqual([1, 2, 3]);
  });

  it('pages tiers 2 and 3 at once for failed rollbacks', () => {
    // Act
    const entry = matchPlaybook(alert('HyperSyncRollbackFailures'));

    // Assess
    expect(entry?.escalation.immediatePages).toEqual([2, 3]);
  });

  it('claims a crash-looping eval engine pod in tars', () => {
    // Prepare
    const crash = alert('KubePodCrashLooping', {
      namespace: 'tars',
      pod: 'tars-eval-engine-7d9f8b6c5-x2x4z',
    });

    // Act
    const entry = matchPlaybook(crash);

    // Assess
    expect(entry?.playbook).toBe('eval-engine-high-restart-rate');
  });

  it.each([
    [{ namespace: 'monitoring', pod: 'tars-eval-engine-abc' }],
    [{ namespace: 'tars', pod: 'hypersync-abc' }],
    [{ pod: 'tars-eval-engine-abc' }],
  ])('leaves other crash-looping pods alone: %o', (labels) => {
    // Act
    const entry = matchPlaybook(alert('KubePodCrashLooping', labels));

    // Assess
    expect(entry).toBeNull();
  });

  it('returns null for an alert no playbook claims', () => {
    expect(matchPlaybook(alert('Watchdog'))).toBeNull();
  });

  it('keeps the memory and replica caps from the playbook', () => {
    // Act
    const down = matchPlaybook(alert('EvalEngineDown'));
    const latency = matchPlaybook(alert('HighEvaluationLatency'));

    // Assess
    expect(down?.limits.memorySteps).toEqual(['8Gi', '16Gi']);
    expect(down?.limits.memoryCap).toBe('16Gi');
    expect(down?.limits.rateLimits.restart).toEqual({
      limit: 3,
      windowMs: 3_600_000,
    });
    expect(latency?.limits.replicasCap).toBe(10);
  });

  it('lists every claimed alert name once', () => {
    // Act
    const names = alertNames();

    // Assess
    expect(names).toContain('KubePodCrashLooping');
    expect(names).toHaveLength(9);
  });

  it('takes the target from labels, else the defaults', () => {
    // Prepare
    const entry = matchPlaybook(alert('CriticalRegressionDetected'));
    if (!entry) throw new Error('no entry');
    const labelled = alert('CriticalRegressionDetected', {
      namespace: 'tars-staging',
      agent: 'dqn',
    });

    // Act
    const fromLabels = resolveTarget(labelled, entry);
    const fromDefaults = resolveTarget(alert('EvalEngineDown'), entry);

    // Assess
    expect(fromLabels.namespace).toBe('tars-staging');
    expect(fromLabels.agent).toBe('dqn');
    expect(fromDefaults.namespace).toBe('tars');
    expect(fromDefaults.agent).toBeNull();
  });

  it('writes a target as namespace/kind/name', () => {
    // Prepare
    const entry = matchPlaybook(alert('EvalEngineDown'));
    if (!entry) throw new Error('no entry');

    // Act
    const key = targetKey(resolveTarget(alert('EvalEngineDown'), entry));

    // Assess
    expect(key).toBe('tars/deployment/tars-eval-engine');
  });
});
