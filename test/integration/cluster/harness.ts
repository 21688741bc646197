import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
} from '@kubernetes/client-node';
import {
  type ClusterOptions,
  createCluster,
  type SimulatedCluster,
} from '#local/cluster/cluster.ts';
import {
  type ClusterServer,
  startClusterServer,
} from '#local/cluster/server.ts';

export interface Harness {
  cluster: SimulatedCluster;
  server: ClusterServer;
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
}

/** A fresh simulated cluster served on a free port, with clients. */
export async function startHarness(
  options: ClusterOptions = {},
): Promise<Harness> {
  const cluster = createCluster({
    now: Date.parse('2025-11-19T10:30:00Z'),
    ...options,
  });
  const server = await startClusterServer(cluster);
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfigYaml);
  return {
    cluster,
    server,
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
  };
}

/** The ApiException a failing call throws (fails the test otherwise). */
export async function apiError(call: Promise<unknown>): Promise<{
  code: number;
  body: Record<string, unknown>;
}> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiException) {
      return { code: error.code, body: JSON.parse(String(error.body)) };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}

export const NS = 'tars';
export const EVAL = 'tars-eval-engine';
export const EVAL_SELECTOR = 'app=tars-eval-engine';
