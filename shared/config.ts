import { z } from 'zod';

/**
 * Every setting the functions read, parsed and validated once. Nothing else
 * reads `process.env`. AWS endpoints are not here: the SDK reads
 * `AWS_ENDPOINT_URL_<SERVICE>` itself, which is how the local world points
 * the real clients at dynalite and the captured SNS.
 */
const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1');

const optionalArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:sns:/, 'must be an SNS topic ARN')
  .optional();

export const configSchema = z.object({
  TABLE_NAME: z.string().min(1).default('tars-incidents'),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** Global dry-run: diagnose and plan, change nothing, page nobody. */
  DRY_RUN: flag,
  /** Kill switch: no act step runs; each is recorded as blocked. */
  KILL_SWITCH: flag,
  /** Namespace used when an alert carries none. */
  DEFAULT_NAMESPACE: z.string().min(1).default('tars'),
  /** Path to a kubeconfig; unset means in-cluster or EKS (later). */
  KUBECONFIG: z.string().optional(),
  /** Channel topics (DESIGN.md, "Severity and escalation"). */
  TOPIC_TARS_CRITICAL: optionalArn,
  TOPIC_TARS_ALERTS: optionalArn,
  TOPIC_TARS_ONCALL: optionalArn,
  /** Tier topics: 1 on-call SRE, 2 ML team lead, 3 platform architect. */
  TOPIC_TIER_1: optionalArn,
  TOPIC_TIER_2: optionalArn,
  TOPIC_TIER_3: optionalArn,
  /** A firing alert this soon after its incident resolved reopens it. */
  INCIDENT_REOPEN_WINDOW_MINUTES: z.coerce.number().positive().default(30),
});

export type Config = z.infer<typeof configSchema>;

/** Thrown when the environment does not describe a usable configuration. */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

let cached: Config | undefined;

/** Parses the environment on first use; later calls return the same value. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Parses an environment map; throws ConfigError naming each bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new ConfigError(
      `invalid configuration (${problems}); fix these environment variables`,
      { cause: result.error },
    );
  }
  return result.data;
}

/** For tests and the local world: forget the parsed configuration. */
export function resetConfig(): void {
  cached = undefined;
}
