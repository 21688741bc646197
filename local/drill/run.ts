import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Context, SNSEvent } from 'aws-lambda';
import { dedupKey } from '#shared/alerts/dedup-key.ts';
import { resetConfig } from '#shared/config.ts';
import { createIncidentStore } from '#shared/incidents/store.ts';
import type { Incident, IncidentStore } from '#shared/incidents/types.ts';
import type { CatalogEntry } from '#shared/playbook/catalog.ts';
import type { TimelineEntry } from '#shared/playbook/types.ts';
import type { CapturedPublish } from '../sns/server.ts';
import { type Scenario, startWorld, type World } from '../world.ts';
import {
  type DrillAlert,
  type DrillSource,
  snsEventFor,
} from './alert-events.ts';
import { drillEntry, handlerPath } from './catalog.ts';
import { DrillError } from './errors.ts';
import { followTimeline, type TimelineFollower } from './follow.ts';

export interface DrillOptions {
  alertName: string;
  scenario: Scenario;
  source: DrillSource;
  dryRun: boolean;
  /** A `kubectl get … -o json` List replayed instead of the model. */
  snapshot?: unknown;
  /** Where the snapshot came from, for people. */
  snapshotPath?: string;
  /** Simulated ms per real ms. */
  speed?: number;
  /** Show the functions' own structured logs. */
  verbose?: boolean;
  /** Called for each timeline entry as it is written. */
  onStep?: (entry: TimelineEntry) => void;
  /** Called when an alert is delivered to the function. */
  onDeliver?: (what: { status: string; messageId: string }) => void;
}

/** What a drill leaves behind: the contract's incident and timeline. */
export interface DrillResult {
  incident: Incident;
  timeline: TimelineEntry[];
  published: CapturedPublish[];
  /** Mutating requests the simulated cluster received. */
  clusterWrites: number;
}

const LAMBDA_ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

type Handler = (event: SNSEvent, context: Context) => Promise<unknown>;

/**
 * Runs one drill: starts the world, injects the fault, delivers the alert
 * as an SNS event to the playbook's real handler, and, when the playbook
 * fixed the fault, delivers the resolved alert as Alertmanager would. Run
 * one drill per process: the handler builds its clients once, as in Lambda.
 */
export async function runDrill(options: DrillOptions): Promise<DrillResult> {
  const entry = drillEntry(options.alertName);
  const world = await startWorld({
    scenario: options.scenario,
    snapshot: options.snapshot,
    speed: options.speed,
  });
  const release = closeOnSignal(world);
  try {
    return await drillIn(world, entry, options);
  } finally {
    release();
    await world.close();
  }
}

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Ctrl-C or a kill removes the world's temp files and exits, so nothing
 * outlives the drill. Returns what removes the handlers again.
 */
function closeOnSignal(world: World): () => void {
  const handlers = Object.entries(SIGNAL_EXIT).map(([signal, code]) => {
    // Exiting ends every server with the process; closing them first
    // would fail the handler's requests still in flight inside dynalite.
    const handler = () => {
      rmSync(dirname(world.kubeconfigPath), { recursive: true, force: true });
      process.exit(code);
    };
    process.once(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => {
    for (const off of handlers) off();
  };
}

async function drillIn(
  world: World,
  entry: CatalogEntry,
  options: DrillOptions,
): Promise<DrillResult> {
  const handler = await loadHandler(world, entry, options);
  const store = createIncidentStore({
    doc: world.dynamo.doc,
    tableName: world.dynamo.tableName,
  });
  const alert = drillAlert(entry);
  const follower = followTimeline(store, dedupKey(alert.name, alert.labels), {
    onStep: options.onStep,
  });

  try {
    await deliver(handler, alert, options);
    const opened = await follower.incident();
    if (opened?.status === 'mitigated') {
      // Show the fix before the resolution that follows it.
      await follower.flush();
      await deliver(handler, resolvedAlert(alert), options);
    }
    return await finish(world, follower, store);
  } finally {
    await follower.stop();
  }
}

async function finish(
  world: World,
  follower: TimelineFollower,
  store: IncidentStore,
): Promise<DrillResult> {
  await follower.flush();
  const incident = await follower.incident();
  if (!incident) {
    throw new DrillError(
      'the handler opened no incident; run with --verbose to see its logs',
    );
  }
  return {
    incident,
    timeline: await store.timeline(incident.id),
    published: [...world.sns.published],
    clusterWrites: world.cluster.writes(),
  };
}

async function deliver(
  handler: Handler,
  alert: DrillAlert,
  options: DrillOptions,
): Promise<void> {
  const event = snsEventFor(alert, options.source);
  const messageId = event.Records[0]?.Sns.MessageId ?? '';
  options.onDeliver?.({ status: alert.status, messageId });
  await handler(event, lambdaContext(alert.name));
}

/** Points the process at the world, then imports the real handler. */
async function loadHandler(
  world: World,
  entry: CatalogEntry,
  options: DrillOptions,
): Promise<Handler> {
  Object.assign(process.env, world.env, {
    DRY_RUN: String(options.dryRun),
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: options.verbose ? 'DEBUG' : 'SILENT',
  });
  resetConfig();
  const module = (await import(handlerPath(entry))) as { handler: Handler };
  return module.handler;
}

function drillAlert(entry: CatalogEntry): DrillAlert {
  const target = entry.defaultTarget;
  const labels: Record<string, string> = { namespace: target.namespace };
  if (target.deployment) labels.deployment = target.deployment;
  if (target.service) labels.service = target.service;
  labels.severity = entry.severity === 'P0' ? 'critical' : 'warning';
  return {
    name: entry.alertname,
    status: 'firing',
    labels,
    annotations: {
      summary: `${entry.alertname} (drill)`,
      description: `Drill of ${entry.playbook} on the local world.`,
    },
    startsAt: new Date(Date.now() - 60_000),
    endsAt: null,
  };
}

function resolvedAlert(alert: DrillAlert): DrillAlert {
  return { ...alert, status: 'resolved', endsAt: new Date() };
}

function lambdaContext(name: string): Context {
  const deadline = Date.now() + 5 * 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `local-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `${LAMBDA_ARN}:local-${name}`,
    memoryLimitInMB: '512',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/local-${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
