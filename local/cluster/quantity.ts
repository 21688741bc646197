const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  m: 1e-3,
};

/** Bytes (or cores) of a Kubernetes quantity such as `4Gi` or `500m`. */
export function parseQuantity(text: string | undefined): number | null {
  const match = /^([0-9.]+)([a-zA-Z]*)$/.exec((text ?? '').trim());
  if (!match) return null;
  const [, digits = '', unit = ''] = match;
  const factor = UNITS[unit];
  if (factor === undefined) return null;
  return Number(digits) * factor;
}

/** Gibibytes rounded for messages, e.g. `6Gi`. */
export function formatGi(bytes: number): string {
  return `${Math.round((bytes / 2 ** 30) * 10) / 10}Gi`;
}
