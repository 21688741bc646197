import type { NormalizedAlert } from '#shared/alerts/types.ts';
import type { Severity, Target } from '#shared/playbook/types.ts';

export const INCIDENT_STATUSES = [
  'open',
  'remediating',
  'mitigated',
  'escalated',
  'resolved',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export interface Acknowledgement {
  by: string;
  at: string;
}

/** The incident as the contract prints it (`drill --json`). */
export interface Incident {
  id: string;
  dedupKey: string;
  status: IncidentStatus;
  severity: Severity;
  /** Playbook name, kebab-case, e.g. `eval-engine-down`. */
  playbook: string;
  /** The alert that opened (or last reopened) the incident. */
  alert: NormalizedAlert;
  target: Target;
  /** Highest tier paged, 0 for none. */
  tier: number;
  acknowledged: Acknowledgement | null;
  flaps: number;
  exhausted: boolean;
  silenced: boolean;
  dryRun: boolean;
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  /** Event time of the newest alert applied (ordering guard). */
  lastEventAt: string;
  /** Bumped on every change; conditional updates compare it. */
  version: number;
}
