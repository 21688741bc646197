/**
 * A seeded generator for names, uids and addresses, so a scenario started
 * twice looks the same (handy when comparing drill output).
 */
export interface Random {
  next(): number;
  suffix(length: number): string;
  hex(length: number): string;
  uid(): string;
}

/** Characters Kubernetes uses for generated names (no vowels, no 0/1/3). */
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** mulberry32: tiny, fast and good enough for names. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (alphabet: string, length: number): string =>
    Array.from(
      { length },
      () => alphabet[Math.floor(next() * alphabet.length)],
    ).join('');
  const hex = (length: number) => pick('0123456789abcdef', length);
  return {
    next,
    suffix: (length) => pick(SAFE, length),
    hex,
    uid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
  };
}

/**
 * The pod-template-hash the deployment controller derives: FNV-1a over the
 * template, its decimal digits mapped onto the safe alphabet.
 */
export function templateHash(text: string): string {
  let hash = 0x811c9dc5;
  for (const char of text) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return [...String(hash)]
    .map((digit) => SAFE[digit.charCodeAt(0) % SAFE.length])
    .join('');
}

/** JSON with sorted keys, so equal objects give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (!inner || typeof inner !== 'object' || Array.isArray(inner)) {
      return inner;
    }
    const entries = Object.entries(inner as Record<string, unknown>);
    return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
  });
}
