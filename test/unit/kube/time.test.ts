import type { CoreV1Event } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { eventTime, sortEventsByTime } from '#shared/kube/time.ts';

const event = (name: string, fields: Partial<CoreV1Event>): CoreV1Event => ({
  metadata: { name },
  involvedObject: {},
  ...fields,
});

describe('eventTime', () => {
  it('prefers lastTimestamp over every other time', () => {
    const e = event('a', {
      lastTimestamp: new Date('2025-01-01T00:00:03Z'),
      eventTime: new Date('2025-01-01T00:00:09Z'),
      metadata: { creationTimestamp: new Date('2025-01-01T00:00:01Z') },
    });

    expect(eventTime(e)).toBe(Date.parse('2025-01-01T00:00:03Z'));
  });

  it('falls back to series, then eventTime, then creation', () => {
    const series = event('s', {
      series: { count: 2, lastObservedTime: new Date('2025-01-01T00:00:05Z') },
      eventTime: new Date('2025-01-01T00:00:01Z'),
    });
    const micro = event('m', { eventTime: new Date('2025-01-01T00:00:02Z') });
    const created = event('c', {
      metadata: { creationTimestamp: new Date('2025-01-01T00:00:04Z') },
    });

    expect([series, micro, created].map(eventTime)).toEqual([
      Date.parse('2025-01-01T00:00:05Z'),
      Date.parse('2025-01-01T00:00:02Z'),
      Date.parse('2025-01-01T00:00:04Z'),
    ]);
  });

  it('reads string timestamps as raw JSON carries them', () => {
    const e = JSON.parse(
      '{"metadata":{},"involvedObject":{},"lastTimestamp":"2025-01-01T00:00:07Z"}',
    ) as CoreV1Event;

    expect(eventTime(e)).toBe(Date.parse('2025-01-01T00:00:07Z'));
  });
});

describe('sortEventsByTime', () => {
  it('orders mixed-format events oldest first', () => {
    // Prepare
    const events = [
      event('late', { lastTimestamp: new Date('2025-01-01T00:00:09Z') }),
      event('series', {
        series: {
          count: 3,
          lastObservedTime: new Date('2025-01-01T00:00:05Z'),
        },
      }),
      event('early', { eventTime: new Date('2025-01-01T00:00:01Z') }),
    ];

    // Act
    const sorted = sortEventsByTime(events);

    // Assess
    expect(sorted.map((e) => e.metadata.name)).toEqual([
      'early',
      'series',
      'late',
    ]);
  });
});
