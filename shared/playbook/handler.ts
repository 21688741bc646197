import { randomUUID } from 'node:crypto';
import {
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { parseEvent } from '#shared/alerts/intake.ts';
import type { DeliveredAlert, RejectedRecord } from '#shared/alerts/types.ts';
import { config } from '#shared/config.ts';
import { createIncidentStore } from '#shared/incidents/store.ts';
import { TABLE_KEYS } from '#shared/incidents/table.ts';
import type { IncidentStore } from '#shared/incidents/types.ts';
import { logger } from '#shared/logger.ts';
import {
  createSnsNotifier,
  type Notifier,
  topicsFromConfig,
} from '#shared/notify/sns.ts';
import {
  type DeliveryEnv,
  type DeliveryResult,
  processDelivery,
} from './deliver.ts';
import { createGuards, type Guards, isDryRun } from './guards.ts';
import type { Playbook } from './types.ts';

/** What the handler returns for one event. */
export interface HandlerSummary {
  results: DeliveryResult[];
  rejected: RejectedRecord[];
}

/** Everything a test or the local world may put in place of the defaults. */
export interface HandlerOverrides {
  dynamo?: DynamoDBClient;
  sns?: SNSClient;
  tableName?: string;
  notifier?: Notifier;
  store?: IncidentStore;
  guards?: Guards;
  metrics?: Metrics;
  killSwitch?: boolean;
  /** Turns dry-run on for every run of this handler. */
  dryRun?: boolean;
  clock?: () => Date;
}

export interface PlaybookHandlerOptions<Deps> {
  playbook: Playbook<Deps>;
  /** Builds the playbook's adapters; called once, on first use. */
  deps: () => Deps | Promise<Deps>;
  overrides?: HandlerOverrides;
}

// A Lambda retries an asynchronous event for at most six hours, so a
// delivery record that outlives that window covers every redelivery.
const DELIVERY_RECORD_SECONDS = 6 * 60 * 60 + 15 * 60;

let defaultClients: { dynamo: DynamoDBClient; sns: SNSClient } | undefined;

/** The SDK clients, built once per container from the configuration. */
function clients(): { dynamo: DynamoDBClient; sns: SNSClient } {
  defaultClients ??= {
    dynamo: new DynamoDBClient({ region: config().AWS_REGION }),
    sns: new SNSClient({ region: config().AWS_REGION }),
  };
  return defaultClients;
}

/** Calls `build` once; a failure is forgotten so the next call retries. */
function once<T>(build: () => T | Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= Promise.resolve()
      .then(build)
      .catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    return pending;
  };
}

interface World<Deps> {
  env: DeliveryEnv<Deps>;
  metrics: Metrics;
  idempotency: IdempotencyConfig;
  process: (input: IdempotentInput) => Promise<DeliveryResult>;
}

/** The idempotent unit: keyed on `key`, `token` and `delivered` ride along. */
interface IdempotentInput {
  key: {
    messageId: string | null;
    fingerprint: string;
    status: string;
    at: string | null;
  };
  token: string;
  delivered: DeliveredAlert;
  /** When a run this invocation starts may be taken over if unfinished. */
  leaseUntil: string;
}

interface Tables {
  dynamo: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
}

function tables(o: HandlerOverrides): Tables {
  const dynamo = o.dynamo ?? clients().dynamo;
  const doc = DynamoDBDocumentClient.from(dynamo, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { dynamo, doc, tableName: o.tableName ?? config().TABLE_NAME };
}

function buildEnv<Deps>(
  options: PlaybookHandlerOptions<Deps>,
  { doc, tableName }: Tables,
): DeliveryEnv<Deps> {
  const o = options.overrides ?? {};
  const cfg = config();
  const clock = o.clock ?? (() => new Date());
  const reopenWindowMs = cfg.INCIDENT_REOPEN_WINDOW_MINUTES * 60_000;
  const killSwitch = o.killSwitch ?? cfg.KILL_SWITCH;
  return {
    playbook: options.playbook,
    deps: once(options.deps),
    store:
      o.store ?? createIncidentStore({ doc, tableName, clock, reopenWindowMs }),
    guards: o.guards ?? createGuards({ doc, tableName, killSwitch, clock }),
    notifier:
      o.notifier ??
      createSnsNotifier({
        sns: o.sns ?? clients().sns,
        topics: topicsFromConfig(cfg),
      }),
    dryRun: isDryRun(cfg.DRY_RUN, o.dryRun),
    clock,
  };
}

function persistence(playbook: string, t: Tables): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName: t.tableName,
    awsSdkV3Client: t.dynamo,
    keyAttr: TABLE_KEYS.partitionKey,
    sortKeyAttr: TABLE_KEYS.sortKey,
    // One partition per playbook: deliveries arrive at alert rates, far
    // below a partition's limits, and the prefix keeps them apart from
    // incidents (table.ts reserves `IDEMPOTENCY#`).
    staticPkValue: `IDEMPOTENCY#${playbook}`,
    expiryAttr: TABLE_KEYS.ttlAttribute,
  });
}

function buildWorld<Deps>(
  options: PlaybookHandlerOptions<Deps>,
  metrics: Metrics,
): World<Deps> {
  const t = tables(options.overrides ?? {});
  const env = buildEnv(options, t);
  const idempotency = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    expiresAfterSeconds: DELIVERY_RECORD_SECONDS,
  });
  const process = makeIdempotent(
    (input: IdempotentInput) =>
      processDelivery(env, input.delivered, input.token, input.leaseUntil),
    {
      persistenceStore: persistence(options.playbook.name, t),
      config: idempotency,
    },
  );
  return { env, metrics, idempotency, process };
}

function count(metrics: Metrics, result: DeliveryResult, fresh: boolean) {
  // Every delivery counts, so each invocation publishes at least one metric.
  metrics.addMetric('Delivered', MetricUnit.Count, 1);
  if (!fresh) {
    metrics.addMetric('Duplicate', MetricUnit.Count, 1);
    return;
  }
  if (result.outcome === 'mitigated') {
    metrics.addMetric('Remediated', MetricUnit.Count, 1);
  }
  if (result.outcome === 'escalated') {
    metrics.addMetric('Escalated', MetricUnit.Count, 1);
  }
  if (result.outcome === 'escalated' && result.paged.length === 0) {
    // Nobody heard: the stack alarms on this metric to the on-call channel.
    metrics.addMetric('PageFailed', MetricUnit.Count, 1);
    logger.error('escalation paged nobody', {
      incident_id: result.incidentId,
      reason: result.reason,
    });
  }
}

// A run's lease outlives its invocation by this much, so a retry after a
// timeout (Lambda waits a minute or more) finds it expired and takes over.
const LEASE_MARGIN_MS = 30_000;

function leaseEnd(now: Date, context: Context): string {
  const remaining = context.getRemainingTimeInMillis();
  return new Date(now.getTime() + remaining + LEASE_MARGIN_MS).toISOString();
}

async function deliverOne<Deps>(
  world: World<Deps>,
  delivered: DeliveredAlert,
  context: Context,
): Promise<DeliveryResult> {
  const token = randomUUID();
  const { alert, messageId } = delivered;
  // Status and event time are in the key because an alert with no message
  // id (a direct alarm, a manual alert) keeps its fingerprint from ALARM to
  // OK: without them its resolution would return the firing result.
  const key = {
    messageId,
    fingerprint: alert.fingerprint,
    status: alert.status,
    at: alert.status === 'resolved' ? alert.endsAt : alert.startsAt,
  };
  try {
    const leaseUntil = leaseEnd(world.env.clock(), context);
    const result = await world.process({ key, token, delivered, leaseUntil });
    const fresh = result.token === token;
    count(world.metrics, result, fresh);
    logger.info('alert processed', { ...result, alertname: alert.name, fresh });
    return result;
  } catch (error) {
    // Transient: thrown so SNS retries; delivered records are idempotent.
    world.metrics.addMetric('Failed', MetricUnit.Count, 1);
    logger.error('alert processing failed', {
      alertname: alert.name,
      messageId,
      error,
    });
    throw error;
  }
}

/**
 * A Lambda handler for one playbook, for SNS and SQS events: intake,
 * idempotency per delivery, catalog match, incident open/join/resolve and
 * the playbook run, with Powertools logging and metrics.
 *
 * @example
 * export const handler = createPlaybookHandler({
 *   playbook: evalEngineDown,
 *   deps: async () => ({ cluster: await createCluster(config()) }),
 * });
 */
export function createPlaybookHandler<Deps>(
  options: PlaybookHandlerOptions<Deps>,
) {
  // Metrics must exist for the middleware; clients and config wait for the
  // first event, so importing a handler costs nothing.
  const metrics =
    options.overrides?.metrics ??
    new Metrics({
      namespace: 'TARS/OnCall',
      serviceName: 'tars-oncall',
      defaultDimensions: { playbook: options.playbook.name },
    });
  let world: World<Deps> | undefined;
  const current = () => {
    world ??= buildWorld(options, metrics);
    return world;
  };

  const handle = async (
    event: unknown,
    context: Context,
  ): Promise<HandlerSummary> => {
    const w = current();
    w.idempotency.registerLambdaContext(context);
    const { delivered, rejected } = parseEvent(event);
    if (rejected.length > 0) {
      w.metrics.addMetric('Rejected', MetricUnit.Count, rejected.length);
    }

    const results: DeliveryResult[] = [];
    for (const one of delivered) {
      results.push(await deliverOne(w, one, context));
    }
    return { results, rejected };
  };
  return middy(handle)
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}
