import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { buildDeps } from '#functions/eval-engine-down/deps.ts';
import { evalEngineDown } from '#functions/eval-engine-down/playbook.ts';
import { snsEventFor } from '#local/drill/alert-events.ts';
import { type Scenario, startWorld, type World } from '#local/world.ts';
import { resetConfig } from '#shared/config.ts';
import { createIncidentStore } from '#shared/incidents/store.ts';
import { createKubeClient } from '#shared/kube/client.ts';
import type { Cluster } from '#shared/kube/types.ts';
import {
  createPlaybookHandler,
  type HandlerSummary,
} from '#shared/playbook/handler.ts';

/**
 * The EvalEngineDown playbook through the real runtime (intake, guards,
 * incident store on dynalite, SNS capture) against the simulated cluster
 * over the real Kubernetes API. Rollout waits are short in real time; the
 * world runs a simulated minute per real second.
 */
export interface EngineWorld {
  world: World;
  /** The Kubernetes client over the world's API server. */
  kube: Cluster;
  close(): Promise<void>;
}

export const NAMESPACE = 'tars';
export const ENGINE = 'tars-eval-engine';

/** Starts a world with a fault and points configuration at it. */
export async function startEngineWorld(
  scenario: Scenario = 'oom-killed',
): Promise<EngineWorld> {
  const world = await startWorld({ scenario });
  Object.assign(process.env, world.env, {
    DRY_RUN: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  resetConfig();
  const kube = createKubeClient({ kubeconfigPath: world.kubeconfigPath });
  return { world, kube, close: () => world.close() };
}

/** Delivers a firing EvalEngineDown alert to a fresh handler. */
export async function deliverAlert(
  env: EngineWorld,
  cluster: Cluster = env.kube,
): Promise<HandlerSummary> {
  const { world } = env;
  const handler = createPlaybookHandler({
    playbook: evalEngineDown,
    deps: () =>
      buildDeps(cluster, { rollout: { timeoutMs: 8_000, pollMs: 250 } }),
    overrides: {
      dynamo: world.dynamo.client,
      tableName: world.dynamo.tableName,
      sns: new SNSClient({
        endpoint: world.sns.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    },
  });
  const labels = {
    namespace: NAMESPACE,
    deployment: ENGINE,
    service: ENGINE,
    severity: 'critical',
  };
  const alert = {
    name: 'EvalEngineDown',
    status: 'firing' as const,
    labels,
    annotations: { summary: 'EvalEngineDown (integration test)' },
    startsAt: new Date(Date.now() - 60_000),
    endsAt: null,
  };
  const event = snsEventFor(alert, 'alertmanager');
  return (await handler(event, lambdaContext())) as HandlerSummary;
}

/** The incident and timeline the run left in the world's table. */
export async function incidentOf(env: EngineWorld, summary: HandlerSummary) {
  const { dynamo } = env.world;
  const store = createIncidentStore({
    doc: dynamo.doc,
    tableName: dynamo.tableName,
  });
  const id = summary.results[0]?.incidentId ?? '';
  const [incident, timeline] = await Promise.all([
    store.get(id),
    store.timeline(id),
  ]);
  return { incident, timeline };
}

function lambdaContext(): Context {
  const deadline = Date.now() + 10 * 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'eval-engine-down',
    functionVersion: '$LATEST',
    invokedFunctionArn:
      'arn:aws:lambda:us-east-1:000000000000:function:eval-engine-down',
    memoryLimitInMB: '512',
    awsRequestId: crypto.randomUUID(),
    logGroupName: '/aws/lambda/eval-engine-down',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
