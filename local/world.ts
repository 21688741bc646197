import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCluster, type SimulatedCluster } from './cluster/cluster.ts';
import type { FaultKind } from './cluster/faults.ts';
import { startClusterServer } from './cluster/server.ts';
import { type LocalDynamo, startDynalite } from './dynamo.ts';
import { type SnsCapture, startSnsCapture } from './sns/server.ts';

/** The world cannot start as asked; the message says what to change. */
export class WorldError extends Error {
  override name = 'WorldError';
}

/** Faults a drill can inject; `healthy` injects none. */
export type Scenario = FaultKind;

export interface WorldOptions {
  /** Fault injected into the default model; not with a snapshot. */
  scenario?: Scenario;
  /** A `kubectl get … -o json` List replacing the default T.A.R.S. model. */
  snapshot?: unknown;
  /** Simulated milliseconds per real millisecond (default 60). */
  speed?: number;
}

/** The embedded local world: cluster, DynamoDB and SNS, all on loopback. */
export interface World {
  readonly cluster: SimulatedCluster;
  readonly kubeUrl: string;
  readonly kubeconfigPath: string;
  readonly dynamo: LocalDynamo;
  readonly sns: SnsCapture;
  /**
   * The environment a deployed function would have, pointed at the world:
   * the real SDK clients read `AWS_ENDPOINT_URL_*`, the Kubernetes client
   * reads `KUBECONFIG`.
   */
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

// One simulated minute per real second: a two-minute rollout takes two
// seconds, and the ten-minute progress deadline ten.
const DEFAULT_SPEED = 60;
const FAULT_SETTLE_MS = 3 * 60_000;
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

/** Local topic ARNs by the configuration variable that names them. */
export const WORLD_TOPICS = {
  TOPIC_TARS_CRITICAL: topicArn('tars-critical'),
  TOPIC_TARS_ALERTS: topicArn('tars-alerts'),
  TOPIC_TARS_ONCALL: topicArn('tars-oncall'),
  TOPIC_TIER_1: topicArn('tier-1'),
  TOPIC_TIER_2: topicArn('tier-2'),
  TOPIC_TIER_3: topicArn('tier-3'),
} as const;

/**
 * Starts the world in this process: the simulated cluster served over the
 * Kubernetes API (with `scenario` injected into the eval engine), dynalite
 * with the incident table, and the SNS capture.
 */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const cluster = modelCluster(options);
  const server = await startClusterServer(cluster, { port: 0 });
  const dir = await mkdtemp(join(tmpdir(), 'tars-world-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(kubeconfigPath, server.kubeconfigYaml, { mode: 0o600 });
  const [dynamo, sns] = await Promise.all([startDynalite(), startSnsCapture()]);
  cluster.startTicker(options.speed ?? DEFAULT_SPEED);

  let closing: Promise<void> | undefined;
  // Idempotent: a signal handler and the normal path may both close.
  const close = () => {
    closing ??= (async () => {
      cluster.stopTicker();
      await Promise.all([server.close(), dynamo.stop(), sns.close()]);
      await rm(dir, { recursive: true, force: true });
    })();
    return closing;
  };
  const env = worldEnv({ dynamo, sns, kubeconfigPath });
  const kubeUrl = server.url;
  return { cluster, kubeUrl, kubeconfigPath, dynamo, sns, env, close };
}

/** The default model with the scenario's fault shown, or the snapshot. */
function modelCluster(options: WorldOptions): SimulatedCluster {
  const scenario = options.scenario ?? 'healthy';
  if (options.snapshot !== undefined && scenario !== 'healthy') {
    // A snapshot is someone's real cluster: replay it as it is.
    throw new WorldError(
      `a snapshot is replayed as it is; scenario ${scenario} cannot be added`,
    );
  }
  const cluster = createCluster(
    options.snapshot === undefined ? {} : { seed: options.snapshot },
  );
  if (scenario !== 'healthy') {
    cluster.injectFault(scenario);
    // An alert fires after its fault has shown for a while (`for: 1m` and
    // a scrape or two): let it develop before anyone looks.
    cluster.advance(FAULT_SETTLE_MS);
  }
  return cluster;
}

function worldEnv(parts: {
  dynamo: LocalDynamo;
  sns: SnsCapture;
  kubeconfigPath: string;
}): Record<string, string> {
  return {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: parts.dynamo.endpoint,
    AWS_ENDPOINT_URL_SNS: parts.sns.endpoint,
    TABLE_NAME: parts.dynamo.tableName,
    KUBECONFIG: parts.kubeconfigPath,
    DEFAULT_NAMESPACE: 'tars',
    ...WORLD_TOPICS,
  };
}

function topicArn(name: string): string {
  return `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
}
