import type { CoreV1Event } from '@kubernetes/client-node';

/**
 * Milliseconds since the epoch of a Kubernetes timestamp. The client
 * deserializes timestamps into `Date`, while fixtures and raw JSON carry
 * strings, so both are accepted; anything else (null, unparsable) is null.
 */
export function toMillis(value: unknown): number | null {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? null : value.getTime();
  }
  if (typeof value !== 'string' || value === '') {
    return null;
  }

  const millis = Date.parse(value);
  return Number.isNaN(millis) ? null : millis;
}

/**
 * When an event last happened: `lastTimestamp`, else the series' last
 * observation, else `eventTime`, else creation. Newer components fill only
 * `eventTime`/`series`, older ones only `lastTimestamp`.
 */
export function eventTime(event: CoreV1Event): number | null {
  return (
    toMillis(event.lastTimestamp) ??
    toMillis(event.series?.lastObservedTime) ??
    toMillis(event.eventTime) ??
    toMillis(event.metadata?.creationTimestamp)
  );
}

/** Events oldest first; events without any time sort first, stably. */
export function sortEventsByTime(events: CoreV1Event[]): CoreV1Event[] {
  return events
    .map((event, index) => ({ event, index, at: eventTime(event) ?? 0 }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map(({ event }) => event);
}
