export { dedupKey, MISSING_PART } from './dedup-key.ts';
export { AlertIntakeError, RecordRejectedError } from './errors.ts';
export { fingerprint, isFingerprint } from './fingerprint.ts';
export { MAX_REJECTED, parseEvent, toParseOutput } from './intake.ts';
export { type ParsedTime, parseTime } from './time.ts';
export type * from './types.ts';
