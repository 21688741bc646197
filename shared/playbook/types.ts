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
