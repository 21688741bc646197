const BINARY = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 } as const;
const DECIMAL = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, m: 1e-3 } as const;
const SUFFIXES: Record<string, number> = { ...BINARY, ...DECIMAL };

/**
 * Bytes of a Kubernetes memory quantity (`512Mi`, `8Gi`, `1G`, `1e9`,
 * `128974848`). Null when the text is not a quantity, so a caller never
 * compares against a guess.
 */
export function parseMemory(quantity: string | undefined): number | null {
  if (!quantity) {
    return null;
  }
  const match = /^([0-9.]+(?:[eE][0-9]+)?)([a-zA-Z]*)$/.exec(quantity.trim());
  if (!match) {
    return null;
  }

  const [, number = '', suffix = ''] = match;
  const factor = suffix === '' ? 1 : SUFFIXES[suffix];
  const value = Number(number);
  if (factor === undefined || Number.isNaN(value)) {
    return null;
  }
  return value * factor;
}
