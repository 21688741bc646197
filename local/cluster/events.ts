import { isoMicros, isoSeconds } from './clock.ts';
import type { SimContext } from './context.ts';
import type { KubeObject } from './types.ts';

export interface EventInput {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
  fieldPath?: string;
  host?: string;
}

/** Kubernetes drops events after an hour; so do we (simulated time). */
const EVENT_TTL_MS = 60 * 60 * 1000;

function findRepeat(
  context: SimContext,
  involved: KubeObject,
  input: EventInput,
): KubeObject | undefined {
  return context.store
    .list('Event', involved.metadata.namespace)
    .find((event) => {
      const ref = event.involvedObject as Record<string, unknown> | undefined;
      return (
        ref?.uid === involved.metadata.uid &&
        event.reason === input.reason &&
        event.message === input.message
      );
    });
}

function bumpRepeat(context: SimContext, event: KubeObject): void {
  const now = context.clock.now();
  const count = Number(event.count ?? 1) + 1;
  context.store.put('Event', {
    ...event,
    count,
    lastTimestamp: isoSeconds(now),
    series: { count, lastObservedTime: isoMicros(now) },
  });
}

/** `<object>.<hex nanoseconds><random>`, the way the API names events. */
function eventName(object: string, now: number, suffix: string): string {
  return `${object}.${(now * 1_000_000).toString(16)}${suffix}`;
}

function newEvent(
  context: SimContext,
  involved: KubeObject,
  input: EventInput,
): KubeObject {
  const now = context.clock.now();
  const meta = involved.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: eventName(meta.name, now, context.random.hex(3)),
      namespace: meta.namespace ?? 'default',
      uid: context.random.uid(),
      creationTimestamp: isoSeconds(now),
    },
    involvedObject: {
      kind: involved.kind,
      namespace: meta.namespace,
      name: meta.name,
      uid: meta.uid,
      apiVersion: involved.apiVersion,
      resourceVersion: meta.resourceVersion,
      ...(input.fieldPath ? { fieldPath: input.fieldPath } : {}),
    },
    reason: input.reason,
    message: input.message,
    source: { component: input.component, host: input.host },
    firstTimestamp: isoSeconds(now),
    lastTimestamp: isoSeconds(now),
    count: 1,
    type: input.type,
    eventTime: null,
    reportingComponent: input.component,
    reportingInstance: input.host ?? '',
  };
}

/** Records an event about an object, counting repeats as the API does. */
export function recordEvent(
  context: SimContext,
  involved: KubeObject,
  input: EventInput,
): void {
  const repeat = findRepeat(context, involved, input);
  if (repeat) {
    bumpRepeat(context, repeat);
    return;
  }
  context.store.put('Event', newEvent(context, involved, input));
}

/** Deletes events whose last occurrence is older than the TTL. */
export function pruneEvents(context: SimContext): void {
  const cutoff = context.clock.now() - EVENT_TTL_MS;
  for (const event of context.store.list('Event')) {
    const last = Date.parse(String(event.lastTimestamp ?? ''));
    if (last < cutoff) {
      context.store.remove(
        'Event',
        event.metadata.namespace ?? '',
        event.metadata.name,
      );
    }
  }
}
