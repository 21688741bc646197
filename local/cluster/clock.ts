/** Simulated time: only `advance` moves it, so tests are deterministic. */
export interface Clock {
  now(): number;
  advance(ms: number): void;
}

/** A clock starting at `start` (epoch milliseconds). */
export function createClock(start: number): Clock {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += Math.max(0, ms);
    },
  };
}

/** RFC 3339 without fractions, as the API server prints most timestamps. */
export function isoSeconds(ms: number): string {
  const whole = new Date(Math.floor(ms / 1000) * 1000);
  return `${whole.toISOString().slice(0, 19)}Z`;
}

/** RFC 3339 with microseconds, the `MicroTime` of events. */
export function isoMicros(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000Z`;
}
