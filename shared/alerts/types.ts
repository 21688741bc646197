/**
 * The normalized alert: what every source format becomes. This is a
 * contract (see DESIGN.md, "Contracts"): `npm run parse` prints it and the
 * incident store keys on it, so change it only on purpose.
 */
export const ALERT_SOURCES = [
  'alertmanager',
  'alertmanager-text',
  'amp-template',
  'cloudwatch',
  'cloudwatch-direct',
  'manual',
] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

export const ALERT_STATUSES = ['firing', 'resolved', 'unknown'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export interface NormalizedAlert {
  source: AlertSource;
  /** `alertname`, or the alarm's `AlarmName`; never the SNS subject. */
  name: string;
  status: AlertStatus;
  /** The source's own severity label as given, or null. */
  severity: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** ISO 8601 UTC with milliseconds, or null. */
  startsAt: string | null;
  endsAt: string | null;
  /** 16 hex digits: the source's, else Alertmanager's FNV-1a over labels. */
  fingerprint: string;
  /** name/namespace/workload[/agent], see `dedupKey()`. */
  dedupKey: string;
  /** What was repaired or guessed while reading this alert. */
  warnings: string[];
}

/** A record of the event that is not an alert; kept and reported. */
export interface RejectedRecord {
  reason: string;
  /** Index of the record in the event (0 for a raw message). */
  record: number;
  messageId?: string;
  /** At most 2 KB of the raw text. */
  excerpt: string;
}

/** One alert together with the delivery it came in. */
export interface DeliveredAlert {
  alert: NormalizedAlert;
  /** The SNS message id (or SQS message id, or null for a raw message). */
  messageId: string | null;
  /** Index of the record in the event. */
  record: number;
  /** SNS `Timestamp` of the delivery, when known. */
  receivedAt: string | null;
}

/** What intake makes of one Lambda event. */
export interface IntakeResult {
  delivered: DeliveredAlert[];
  rejected: RejectedRecord[];
}

/** The contract's shape, printed by `npm run parse`. */
export interface ParseOutput {
  alerts: NormalizedAlert[];
  rejected: RejectedRecord[];
}
