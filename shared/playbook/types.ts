/**
 * Contract types shared by the runtime, the incident store, the drill and
 * people's scripts (DESIGN.md, "Incident and timeline").
 */
export const STEP_KINDS = [
  'diagnose',
  'act',
  'verify',
  'decide',
  'escalate',
  'notify',
  'guard',
  'human',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const STEP_OUTCOMES = [
  'ok',
  'failed',
  'blocked',
  'planned',
  'paged',
  'skipped',
] as const;
export type StepOutcome = (typeof STEP_OUTCOMES)[number];

export const SEVERITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What a playbook acts on, from the alert's labels else configuration. */
export interface Target {
  namespace: string;
  deployment: string | null;
  service: string | null;
  /** Label selector of the workload's pods, e.g. `app=tars-eval-engine`. */
  selector: string | null;
  agent: string | null;
}

/** One step of an incident, stored as its own item. */
export interface TimelineEntry {
  /** When the step was recorded, i.e. when it ended. */
  at: string;
  /** kebab-case, e.g. `raise-memory-limit`, `page-tier-1`. */
  step: string;
  kind: StepKind;
  /** e.g. `tars/deployment/tars-eval-engine`, or null. */
  target: string | null;
  outcome: StepOutcome;
  dryRun: boolean;
  before: unknown;
  after: unknown;
  reason: string | null;
  durationMs: number;
  /** Only on `escalate` steps. */
  tier?: number;
}

/** How a playbook run ended; the runtime turns it into the incident status. */
export type Verdict =
  | { status: 'mitigated'; reason: string }
  | { status: 'escalate'; reason: string; step: string }
  /** Dry-run: the plan is recorded, nothing changed, nobody paged. */
  | { status: 'planned'; reason: string };

/** An action as the runtime's guards see it. */
export interface ActionSpec<T = unknown> {
  /** Guard key of rate limits and cooldowns: `restart`, `raise-memory`. */
  action: string;
  /** Canonical target, e.g. `tars/deployment/tars-eval-engine`. */
  target: string;
  /** Reads the state the action changes: recorded as `before`. */
  read: () => Promise<unknown>;
  /** What the action will write: recorded as `after` in dry-run. */
  plan: unknown;
  /** Performs the change; never called in dry-run or when a guard blocks. */
  apply: () => Promise<T>;
  /** Optional cap check: a reason string blocks the action. */
  cap?: () => string | null;
  /**
   * Optional hands-off check: a reason string (e.g. a rollout in progress
   * that we did not start) means a person is at work, so we do not act.
   */
  handsOff?: () => Promise<string | null>;
}

/** What a recorded step reports back to the playbook. */
export interface ActResult<T = unknown> {
  outcome: 'ok' | 'planned';
  value: T | undefined;
}

/**
 * The runtime as a playbook sees it. Each call records one timeline entry
 * (what, target, before/after, outcome, reason, duration). An `act` that a
 * guard blocks or that fails throws `PlaybookHalt`, which the runtime turns
 * into an escalation with that reason, so a playbook never skips silently.
 */
export interface PlaybookContext<Deps = unknown> {
  readonly incidentId: string;
  readonly alert: import('#shared/alerts/types.ts').NormalizedAlert;
  readonly target: Target;
  readonly severity: Severity;
  readonly dryRun: boolean;
  readonly deps: Deps;
  /** Reads state; `summary` picks what goes on the timeline as `after`. */
  diagnose<T>(
    step: string,
    read: () => Promise<T>,
    options?: { target?: string; summary?: (value: T) => unknown },
  ): Promise<T>;
  /** Changes something, through the guards. */
  act<T>(step: string, spec: ActionSpec<T>): Promise<ActResult<T>>;
  /** Checks that an action took effect; `ok: false` is recorded as failed. */
  verify(
    step: string,
    check: () => Promise<{ ok: boolean; detail: unknown; reason?: string }>,
    options?: { target?: string },
  ): Promise<boolean>;
  /** A channel message (e.g. `tars-critical`). */
  notify(
    step: string,
    message: { subject: string; body: string },
  ): Promise<void>;
}

/** A playbook: a name and its steps, written against small interfaces. */
export interface Playbook<Deps = unknown> {
  /** kebab-case, e.g. `eval-engine-down`. */
  name: string;
  run(ctx: PlaybookContext<Deps>): Promise<Verdict>;
}
