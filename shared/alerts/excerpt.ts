/** A rejected record's excerpt holds at most this many UTF-8 bytes. */
export const EXCERPT_BYTES = 2048;

/**
 * The raw text of a record, cut to at most 2 KB without splitting a
 * character.
 */
export function excerpt(value: unknown): string {
  const text = rawText(value);
  if (Buffer.byteLength(text) <= EXCERPT_BYTES) return text;

  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > EXCERPT_BYTES) break;
    end += char.length;
  }
  return text.slice(0, end);
}

function rawText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // Only a value that did not come from JSON (a cycle, a bigint) lands here.
    return String(value);
  }
}
