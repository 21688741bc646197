import type { NormalizedAlert } from '#shared/alerts/types.ts';
import type { Severity, Target } from './types.ts';

/**
 * The catalog of playbooks as plain data: which alerts each one claims, how
 * urgent they are, who is paged, and the limits its actions keep. No
 * adapters are imported here, so `infra/` and every function load it
 * cheaply.
 */

export const CHANNELS = [
  'tars-critical',
  'tars-alerts',
  'tars-oncall',
] as const;
export type Channel = (typeof CHANNELS)[number];

export const TIERS = [1, 2, 3] as const;
export type Tier = (typeof TIERS)[number];

/** One label test; with neither `equals` nor `startsWith`, presence. */
export interface LabelTest {
  label: string;
  equals?: string;
  startsWith?: string;
}

/** Claims an alert by name; `all` must hold, and one of `any` when given. */
export interface AlertMatcher {
  alertname: string;
  all?: readonly LabelTest[];
  any?: readonly LabelTest[];
}

/** How an incident of this playbook escalates (DESIGN.md, "Severity"). */
export interface EscalationPolicy {
  /** Page tier 1 when the incident is not mitigated within this time. */
  respondWithinMs: number;
  /** Tiers paged in order, one per response window. */
  tiers: readonly Tier[];
  /** An acknowledged incident that stays open is re-paged this often. */
  reminderMs: number;
  /** After the last tier, its page repeats this many times. */
  repeats: number;
  /** Tiers paged at once, with tier 1, whenever the playbook escalates. */
  immediatePages: readonly Tier[];
}

/** A rate limit for one action on one target. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** Caps and tuned numbers the playbook's actions keep. */
export interface PlaybookLimits {
  /** Quiet time per target after an act, so a flapping alert is damped. */
  cooldownMs: number;
  /** Per action key, e.g. `restart`; actions not listed use the default. */
  rateLimits: Readonly<Record<string, RateLimit>>;
  /** Memory limit steps, lowest first; the last one is the cap. */
  memorySteps?: readonly string[];
  memoryCap?: string;
  /** Memory request set beside the highest limit step. */
  memoryRequestAtCap?: string;
  replicasCap?: number;
  /** Replicas to scale to when the playbook scales out. */
  scaleTo?: number;
  /** Idle database connections older than this are terminated. */
  idleConnectionMinutes?: number;
}

export interface CatalogEntry {
  /** kebab-case playbook name, e.g. `eval-engine-down`. */
  playbook: string;
  /** Folder under `functions/`. */
  functionDir: string;
  /** The alert name the playbook is named after. */
  alertname: string;
  matchers: readonly AlertMatcher[];
  severity: Severity;
  channel: Channel;
  escalation: EscalationPolicy;
  defaultTarget: Target;
  limits: PlaybookLimits;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Respond-within per severity, from the playbook's severity table. */
export const RESPOND_WITHIN_MS: Readonly<Record<Severity, number>> = {
  P0: 15 * MINUTE,
  P1: HOUR,
  P2: 4 * HOUR,
  P3: 24 * HOUR,
};

/** The playbook's rule: at most three restarts of a deployment an hour. */
const RESTARTS: RateLimit = { limit: 3, windowMs: HOUR };

/** Default for actions a playbook did not list: same damping as restarts. */
export const DEFAULT_RATE_LIMIT: RateLimit = RESTARTS;

// Ten minutes: the CPU checklist watches a change for ten minutes before
// judging it, so acting again sooner would judge nothing.
const COOLDOWN_MS = 10 * MINUTE;

const EVAL_ENGINE: Target = {
  namespace: 'tars',
  deployment: 'tars-eval-engine',
  service: 'tars-eval-engine',
  selector: 'app=tars-eval-engine',
  agent: null,
};

const HYPERSYNC: Target = {
  namespace: 'tars',
  deployment: 'tars-orchestration',
  service: 'hypersync',
  selector: 'app=hypersync',
  agent: null,
};

function policy(
  severity: Severity,
  immediatePages: readonly Tier[] = [],
): EscalationPolicy {
  // Reminder: half the response window, so an acked but forgotten incident
  // is raised again well before the next window would have passed.
  // Repeats: three more pages of the last tier, then `exhausted`.
  return {
    respondWithinMs: RESPOND_WITHIN_MS[severity],
    tiers: TIERS,
    reminderMs: RESPOND_WITHIN_MS[severity] / 2,
    repeats: 3,
    immediatePages,
  };
}

function channelFor(severity: Severity): Channel {
  return severity === 'P0' ? 'tars-critical' : 'tars-alerts';
}

function entry(
  fields: Omit<CatalogEntry, 'channel' | 'escalation' | 'matchers'> & {
    matchers?: readonly AlertMatcher[];
    immediatePages?: readonly Tier[];
  },
): CatalogEntry {
  const { immediatePages, matchers, ...rest } = fields;
  return {
    ...rest,
    matchers: matchers ?? [{ alertname: fields.alertname }],
    channel: channelFor(fields.severity),
    escalation: policy(fields.severity, immediatePages),
  };
}

const engineLimits = (extra: Partial<PlaybookLimits> = {}): PlaybookLimits => ({
  cooldownMs: COOLDOWN_MS,
  rateLimits: { restart: RESTARTS },
  ...extra,
});

// Memory: the playbook raises the limit to 8Gi first and, for repeated
// OOMKills, to 16Gi with an 8Gi request; 16Gi is the ceiling we never pass.
const MEMORY = {
  memorySteps: ['8Gi', '16Gi'],
  memoryCap: '16Gi',
  memoryRequestAtCap: '8Gi',
} as const;

/** Every playbook, one entry each. */
export const CATALOG: readonly CatalogEntry[] = [
  entry({
    playbook: 'eval-engine-down',
    functionDir: 'eval-engine-down',
    alertname: 'EvalEngineDown',
    severity: 'P0',
    defaultTarget: EVAL_ENGINE,
    limits: engineLimits(MEMORY),
  }),
  entry({
    playbook: 'critical-regression-detected',
    functionDir: 'critical-regression-detected',
    alertname: 'CriticalRegressionDetected',
    severity: 'P0',
    // The playbook tells the ML team lead at once about a regression.
    immediatePages: [2],
    // Logs come from the eval engine; the rollback goes to HyperSync.
    defaultTarget: { ...EVAL_ENGINE, service: 'hypersync' },
    limits: {
      cooldownMs: COOLDOWN_MS,
      // One rollback per agent an hour: a second one would roll back past
      // the baseline a person has not looked at yet.
      rateLimits: { rollback: { limit: 1, windowMs: HOUR } },
    },
  }),
  entry({
    playbook: 'high-evaluation-latency',
    functionDir: 'high-evaluation-latency',
    alertname: 'HighEvaluationLatency',
    severity: 'P1',
    defaultTarget: EVAL_ENGINE,
    // Ten replicas is the playbook's manual scale and our ceiling.
    limits: engineLimits({ replicasCap: 10, scaleTo: 10 }),
  }),
  entry({
    playbook: 'postgresql-connection-pool-exhausted',
    functionDir: 'postgresql-connection-pool-exhausted',
    alertname: 'PostgreSQLConnectionPoolExhausted',
    severity: 'P1',
    defaultTarget: EVAL_ENGINE,
    // Five minutes idle: the playbook's threshold for a leaked connection.
    limits: engineLimits({ idleConnectionMinutes: 5 }),
  }),
  entry({
    playbook: 'evaluation-failure-rate-high',
    functionDir: 'evaluation-failure-rate-high',
    alertname: 'EvaluationFailureRateHigh',
    severity: 'P1',
    defaultTarget: EVAL_ENGINE,
    limits: engineLimits(),
  }),
  entry({
    playbook: 'eval-engine-pod-cpu-high',
    functionDir: 'eval-engine-pod-cpu-high',
    alertname: 'EvalEnginePodCPUHigh',
    // P1: hot CPU degrades evaluations but the service still answers, which
    // is the severity table's "degraded performance", not "service down".
    severity: 'P1',
    defaultTarget: EVAL_ENGINE,
    // Eight replicas is the checklist's scale-up; ten stays the ceiling.
    limits: engineLimits({ replicasCap: 10, scaleTo: 8 }),
  }),
  entry({
    playbook: 'eval-engine-high-restart-rate',
    functionDir: 'eval-engine-high-restart-rate',
    alertname: 'EvalEngineHighRestartRate',
    severity: 'P1',
    matchers: [
      { alertname: 'EvalEngineHighRestartRate' },
      {
        alertname: 'KubePodCrashLooping',
        all: [{ label: 'namespace', equals: 'tars' }],
        any: [
          { label: 'deployment', equals: 'tars-eval-engine' },
          { label: 'pod', startsWith: 'tars-eval-engine-' },
          { label: 'container', equals: 'eval-engine' },
        ],
      },
    ],
    defaultTarget: EVAL_ENGINE,
    limits: engineLimits(MEMORY),
  }),
  entry({
    playbook: 'hypersync-rollback-failures',
    functionDir: 'hypersync-rollback-failures',
    alertname: 'HyperSyncRollbackFailures',
    severity: 'P0',
    // Regressions cannot be undone: the ML team lead and the platform
    // architect are both needed at once.
    immediatePages: [2, 3],
    defaultTarget: HYPERSYNC,
    limits: engineLimits(),
  }),
];

/** Every alert name some playbook claims (for subscription filters). */
export function alertNames(entries = CATALOG): string[] {
  const names = entries.flatMap((e) => e.matchers.map((m) => m.alertname));
  return [...new Set(names)];
}

/** The entry for a playbook name, or null. */
export function entryFor(playbook: string): CatalogEntry | null {
  return CATALOG.find((e) => e.playbook === playbook) ?? null;
}

function testLabel(labels: Record<string, string>, test: LabelTest): boolean {
  const value = labels[test.label];
  if (value === undefined) return false;
  if (test.equals !== undefined && value !== test.equals) return false;
  if (test.startsWith !== undefined) return value.startsWith(test.startsWith);
  return true;
}

/** Whether one matcher claims the alert. */
export function matches(
  alert: NormalizedAlert,
  matcher: AlertMatcher,
): boolean {
  if (alert.name !== matcher.alertname) return false;
  const all = matcher.all ?? [];
  if (!all.every((t) => testLabel(alert.labels, t))) return false;
  const any = matcher.any ?? [];
  return any.length === 0 || any.some((t) => testLabel(alert.labels, t));
}

/** The catalog entry whose matchers claim the alert, or null. */
export function matchPlaybook(
  alert: NormalizedAlert,
  entries: readonly CatalogEntry[] = CATALOG,
): CatalogEntry | null {
  const found = entries.find((e) => e.matchers.some((m) => matches(alert, m)));
  return found ?? null;
}

function label(alert: NormalizedAlert, ...names: string[]): string | null {
  for (const name of names) {
    const value = alert.labels[name];
    if (value) return value;
  }
  return null;
}

/**
 * What the playbook acts on: the alert's labels where it names them, else
 * the entry's defaults. A crash-looping pod's deployment is not in its
 * labels, so a matched pod falls back to the default deployment.
 */
export function resolveTarget(
  alert: NormalizedAlert,
  entry: CatalogEntry,
): Target {
  const base = entry.defaultTarget;
  const deployment = label(alert, 'deployment');
  return {
    namespace:
      label(alert, 'namespace', 'exported_namespace') ?? base.namespace,
    deployment: deployment ?? base.deployment,
    service: label(alert, 'service') ?? base.service,
    selector: deployment ? `app=${deployment}` : base.selector,
    agent: label(alert, 'agent', 'agent_type') ?? base.agent,
  };
}

/** The canonical string form of a target, e.g. `tars/deployment/x`. */
export function targetKey(target: Target): string {
  if (target.deployment) {
    return `${target.namespace}/deployment/${target.deployment}`;
  }
  if (target.service) return `${target.namespace}/service/${target.service}`;
  return target.namespace;
}
