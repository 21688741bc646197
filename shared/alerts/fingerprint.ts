const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;
/** Alertmanager's separator: a byte that never occurs in UTF-8 text. */
const SEPARATOR = 0xff;

/**
 * Alertmanager's label-set fingerprint: 64-bit FNV-1a over the labels
 * sorted by name, each as name, 0xff, value, 0xff (UTF-8 bytes), printed
 * as 16 lower-case hex digits. The same labels give the same fingerprint
 * whatever format carried them.
 *
 * @example fingerprint({ alertname: 'Watchdog' })
 */
export function fingerprint(labels: Record<string, string>): string {
  const encoder = new TextEncoder();
  let hash = FNV_OFFSET;
  for (const name of Object.keys(labels).sort(compareBytes)) {
    hash = addBytes(hash, encoder.encode(name));
    hash = addByte(hash, SEPARATOR);
    hash = addBytes(hash, encoder.encode(labels[name] ?? ''));
    hash = addByte(hash, SEPARATOR);
  }
  return hash.toString(16).padStart(16, '0');
}

/** True for Alertmanager's 16-hex-digit fingerprint form. */
export function isFingerprint(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{16}$/.test(value);
}

function addBytes(hash: bigint, bytes: Uint8Array): bigint {
  let next = hash;
  for (const byte of bytes) next = addByte(next, byte);
  return next;
}

function addByte(hash: bigint, byte: number): bigint {
  return ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK_64;
}

/** Go sorts strings by bytes; UTF-16 order differs past the BMP. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
