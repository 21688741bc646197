import type { Incident, IncidentStore } from '#shared/incidents/types.ts';
import type { TimelineEntry } from '#shared/playbook/types.ts';

/** Watches an incident's timeline while a handler writes it. */
export interface TimelineFollower {
  /** The incident of the followed dedup key, read now. */
  incident(): Promise<Incident | null>;
  /** Reads once more and reports what is new. */
  flush(): Promise<void>;
  /** Stops polling; resolves once no read is in flight. */
  stop(): Promise<void>;
}

// Often enough that steps appear as they happen, rare enough that the
// reads are noise next to the handler's own work.
const POLL_MS = 150;

/**
 * Polls the incident store for the incident of `key` and reports each new
 * timeline entry once, in order, as the real handler writes it.
 */
export function followTimeline(
  store: IncidentStore,
  key: string,
  options: { onStep?: (entry: TimelineEntry) => void } = {},
): TimelineFollower {
  const read = newEntryReader(store, key, options.onStep);
  let stopped = false;
  let pending: Promise<void> = Promise.resolve();
  // A failed background read is kept and raised by the next flush, so the
  // poller never leaves an unhandled rejection behind.
  let failure: unknown = null;
  let timer: NodeJS.Timeout | undefined;

  const tick = () => {
    if (stopped) return;
    pending = pending
      .then(read)
      .catch((error: unknown) => {
        failure = error;
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, POLL_MS);
      });
  };
  tick();

  return {
    incident: () => store.findByDedupKey(key),
    flush: async () => {
      await pending;
      if (failure) throw failure;
      await read();
    },
    stop: async () => {
      // The world's DynamoDB closes next; a read still in flight then
      // would fail inside dynalite itself.
      stopped = true;
      clearTimeout(timer);
      await pending;
    },
  };
}

/** Reads the timeline and reports each entry not reported before. */
function newEntryReader(
  store: IncidentStore,
  key: string,
  onStep?: (entry: TimelineEntry) => void,
): () => Promise<void> {
  const shown = new Set<string>();
  return async () => {
    const incident = await store.findByDedupKey(key);
    if (!incident) return;
    const timeline = await store.timeline(incident.id);
    // Entries written by several writers of one incident (a take-over,
    // the resolving alert) can interleave; each is shown once.
    for (const entry of timeline) {
      const id = entryKey(entry);
      if (shown.has(id)) continue;
      shown.add(id);
      onStep?.(entry);
    }
  };
}

function entryKey(entry: TimelineEntry): string {
  return [entry.at, entry.kind, entry.step, entry.outcome].join('|');
}
