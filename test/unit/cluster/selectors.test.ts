import { describe, expect, it } from 'vitest';
import {
  matchesSelector,
  parseFieldSelector,
  parseLabelSelector,
} from '#local/cluster/selectors.ts';

const labels = { app: 'tars-eval-engine', tier: 'backend' };

describe('selectors', () => {
  it.each([
    ['app=tars-eval-engine', true],
    ['app==tars-eval-engine,tier=backend', true],
    ['app!=tars-eval-engine', false],
    ['tier in (backend, frontend)', true],
    ['tier notin (backend)', false],
    ['app', true],
    ['!missing', true],
    ['', true],
  ])('label selector %s matches: %s', (selector, expected) => {
    // Act
    const matches = parseLabelSelector(selector)(labels);

    // Assess
    expect(matches).toBe(expected);
  });

  it('selects events by involved object fields', () => {
    // Prepare
    const event = {
      metadata: { name: 'e1' },
      involvedObject: { name: 'pod-a', kind: 'Pod' },
    };

    // Act
    const byName = parseFieldSelector(
      'involvedObject.name=pod-a,involvedObject.kind=Pod',
    );
    const other = parseFieldSelector('involvedObject.name!=pod-a');

    // Assess
    expect(byName(event)).toBe(true);
    expect(other(event)).toBe(false);
  });

  it('rejects a malformed field selector with a 400', () => {
    // Act
    const attempt = () => parseFieldSelector('no-operator-here');

    // Assess
    expect(attempt).toThrow(
      expect.objectContaining({ code: 400, reason: 'BadRequest' }),
    );
  });

  it('matches structured selectors with expressions', () => {
    // Act
    const matched = matchesSelector(
      {
        matchLabels: { app: 'tars-eval-engine' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['backend'] },
        ],
      },
      labels,
    );

    // Assess
    expect(matched).toBe(true);
  });
});
