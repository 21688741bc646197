/** A time read from an alert: an ISO instant, null (the zero time), or not. */
export type ParsedTime =
  | { ok: true; iso: string | null }
  | { ok: false; reason: string };

// Named parts of TIME. Its capture groups, in order: year, month, day,
// hour, minute, second, fraction, Z, offset sign, offset hours, offset
// minutes (readOffset reads the last four by index).
const DATE = String.raw`(\d{4})-(\d{2})-(\d{2})`;
const CLOCK = String.raw`(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?`;
const OFFSET = String.raw`(?:([Zz])|([+-])(\d{2}):?(\d{2}))`;
const ZONE_NAME = '(?: [A-Za-z]{1,6})?';
const MONOTONIC = String.raw`(?: m=[+-]\d+(?:\.\d+)?)?`;

/**
 * RFC 3339 (any offset, 0–9 fraction digits), CloudWatch's `+0000` offset
 * and Go's `time.String()` form (`2006-01-02 15:04:05.999 +0000 UTC`, with
 * an optional monotonic `m=+1.5` suffix).
 */
const TIME = new RegExp(
  `^${DATE}[Tt ]${CLOCK} ?${OFFSET}${ZONE_NAME}${MONOTONIC}$`,
);

/** Go's zero `time.Time`: Alertmanager's "not set" (e.g. a firing endsAt). */
const ZERO_TIME = '0001-01-01T00:00:00.000Z';

/**
 * Reads an alert time and renders it as ISO 8601 UTC with milliseconds.
 * Fractions past milliseconds are cut, not rounded, as Go does when it
 * formats fewer digits.
 *
 * @example parseTime('2019-09-27 16:27:56.612666101 +0000 UTC')
 * // { ok: true, iso: '2019-09-27T16:27:56.612Z' }
 */
export function parseTime(text: string): ParsedTime {
  const match = TIME.exec(text.trim());
  if (!match) return { ok: false, reason: 'unrecognized time format' };

  const [, year, month, day, hour, minute, second, fraction = ''] = match;
  const fields = [year, month, day, hour, minute, second].map(Number);
  const offsetMinutes = readOffset(match);
  if (!validFields(fields) || offsetMinutes === null) {
    return { ok: false, reason: 'time out of range' };
  }

  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const iso = toIso(fields, millis, offsetMinutes);
  return { ok: true, iso: iso === ZERO_TIME ? null : iso };
}

function readOffset(match: RegExpExecArray): number | null {
  if (match[8]) return 0;
  const hours = Number(match[10]);
  const minutes = Number(match[11]);
  if (hours > 23 || minutes > 59) return null;
  const sign = match[9] === '-' ? -1 : 1;
  return sign * (hours * 60 + minutes);
}

function validFields(fields: number[]): boolean {
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] =
    fields;
  if (month < 1 || month > 12 || day < 1) return false;
  if (hour > 23 || minute > 59 || second > 60) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}

function toIso(fields: number[], millis: number, offset: number): string {
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] =
    fields;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years 0–99 as they are.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offset, second, millis);
  return date.toISOString();
}
