import { describe, expect, it } from 'vitest';
import { newIncidentId } from '#shared/incidents/items.ts';
import { decide } from '#shared/incidents/open-or-join.ts';
import type { Incident } from '#shared/incidents/types.ts';

const WINDOW = 30 * 60_000;
const RESOLVED_AT = '2026-05-23T08:19:10.560Z';

function incident(status: Incident['status']): Incident {
  return {
    status,
    resolvedAt: status === 'resolved' ? RESOLVED_AT : null,
    updatedAt: RESOLVED_AT,
  } as Incident;
}

describe('decide', () => {
  it.each([
    ['open', '2026-05-23T07:00:00.000Z', 'join'],
    ['escalated', '2026-05-23T09:00:00.000Z', 'join'],
    ['resolved', '2026-05-23T07:54:10.560Z', 'stale'],
    ['resolved', RESOLVED_AT, 'stale'],
    ['resolved', '2026-05-23T08:19:10.561Z', 'reopen'],
    ['resolved', '2026-05-23T08:49:10.560Z', 'reopen'],
    ['resolved', '2026-05-23T08:49:10.561Z', 'replace'],
  ] as const)(
    'a firing alert on a %s incident at %s: %s',
    (status, at, want) => {
      // Act
      const decision = decide(incident(status), at, WINDOW);

      // Assess
      expect(decision).toBe(want);
    },
  );
});

describe('newIncidentId', () => {
  it('sorts by opening time and differs within one second', () => {
    // Prepare
    const earlier = new Date('2026-05-23T07:54:10.560Z');
    const later = new Date('2026-05-23T07:54:11.001Z');

    // Act
    const ids = [
      newIncidentId(later),
      newIncidentId(earlier),
      newIncidentId(earlier),
    ];

    // Assess
    expect(ids[1]).toMatch(/^inc-20260523T075410-[0-9a-f]{8}$/);
    expect(ids[1]).not.toBe(ids[2]);
    expect([...ids].sort()[2]).toBe(ids[0]);
  });
});
