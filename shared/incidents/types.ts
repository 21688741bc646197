import type { NormalizedAlert } from '#shared/alerts/types.ts';
import type {
  Severity,
  Target,
  TimelineEntry,
} from '#shared/playbook/types.ts';

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
  /** Who runs the playbook now, until when; null before the first run. */
  run: RunLease | null;
}

/**
 * The right to run an incident's playbook. A run that dies leaves its
 * lease unfinished; once `until` passes, a later delivery takes over.
 */
export interface RunLease {
  token: string;
  until: string;
  done: boolean;
}

/** A claim on the run lease (see `claimRun`). */
export interface ClaimRunInput {
  mode: 'start' | 'take-over';
  token: string;
  /** ISO time the lease lasts until: the invocation's deadline and more. */
  until: string;
  /** Whether the claiming run is a dry-run. */
  dryRun: boolean;
}

/** What `openOrJoin` did with a firing alert. */
export const OPEN_ACTIONS = ['opened', 'joined', 'reopened', 'stale'] as const;
export type OpenAction = (typeof OPEN_ACTIONS)[number];

/** A firing alert on its way into the store. */
export interface OpenInput {
  alert: NormalizedAlert;
  playbook: string;
  severity: Severity;
  target: Target;
  dryRun: boolean;
  /** Event time: the alert's `startsAt`, else the delivery time. */
  eventAt: string;
}

/**
 * `opened`: this call created the incident; `joined`: one was open;
 * `reopened`: a resolved one flapped back; `stale`: the alert is older than
 * the incident's resolution and changed nothing.
 */
export interface OpenResult {
  action: OpenAction;
  incident: Incident;
}

/**
 * What `resolveByAlert` did: `stale` when the resolution is older than the
 * last firing event, `already-resolved` for a repeat, `not-found` when the
 * dedup key never opened an incident.
 */
export type ResolveResult =
  | { action: 'resolved' | 'already-resolved' | 'stale'; incident: Incident }
  | { action: 'not-found'; incident: null };

/** Fields a transition may change besides the status. */
export type IncidentPatch = Partial<
  Pick<
    Incident,
    | 'severity'
    | 'target'
    | 'tier'
    | 'exhausted'
    | 'silenced'
    | 'dryRun'
    | 'resolvedAt'
  >
>;

/** A conditional status change. */
export interface TransitionInput {
  /** The change applies only when the status is one of these. */
  from: readonly IncidentStatus[];
  to: IncidentStatus;
  /** The change applies only at this version (optimistic locking). */
  expectedVersion?: number;
  patch?: IncidentPatch;
}

/** The flags kept beside the status. */
export type IncidentFlags = Partial<
  Pick<Incident, 'exhausted' | 'silenced' | 'dryRun'>
>;

/**
 * The incident store as the runtime, the functions and the CLI see it.
 * Every change is a conditional write; a lost race throws
 * `IncidentConflictError` with the current status and version.
 */
export interface IncidentStore {
  openOrJoin(input: OpenInput): Promise<OpenResult>;
  resolveByAlert(
    alert: NormalizedAlert,
    eventAt: string,
  ): Promise<ResolveResult>;
  transition(id: string, input: TransitionInput): Promise<Incident>;
  acknowledge(id: string, by: string): Promise<Incident>;
  setTier(id: string, tier: number): Promise<Incident>;
  setFlags(id: string, flags: IncidentFlags): Promise<Incident>;
  appendStep(id: string, entry: TimelineEntry): Promise<void>;
  timeline(id: string): Promise<TimelineEntry[]>;
  get(id: string): Promise<Incident | null>;
  findByDedupKey(dedupKey: string): Promise<Incident | null>;
  listOpen(): Promise<Incident[]>;
  /** The incident with the lease, or null when another run holds it. */
  claimRun(id: string, input: ClaimRunInput): Promise<Incident | null>;
  finishRun(id: string, token: string): Promise<Incident>;
  releaseRun(id: string, token: string): Promise<Incident>;
}
