import { mkdir, readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createCluster } from '#local/cluster/cluster.ts';
import { FAULT_KINDS, type FaultKind } from '#local/cluster/faults.ts';
import { startClusterServer } from '#local/cluster/server.ts';

/**
 * Simulated ms per real ms. Real time by default, so the ages kubectl
 * computes from its own clock stay right; `--speed 60` makes a two-minute
 * rollout take two seconds (ages then run ahead of the wall clock).
 */
const SPEED = 1;

const USAGE = [
  'usage: npm run world --',
  `[--scenario ${FAULT_KINDS.join('|')}]`,
  '[--snapshot FILE] [--port N] [--speed N]',
].join(' ');

function scenarioOf(value: string | undefined): FaultKind {
  const found = FAULT_KINDS.find((kind) => kind === (value ?? 'healthy'));
  if (!found) throw new Error(`unknown scenario "${value}"\n${USAGE}`);
  return found;
}

// Past this the simulation spends longer on each real second than it
// lasts (the drill keeps the same cap).
const MAX_SPEED = 600;

function speedOf(value: string | undefined): number {
  if (value === undefined) return SPEED;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < 1 || n > MAX_SPEED) {
    throw new Error(
      `--speed must be a number from 1 to ${MAX_SPEED}\n${USAGE}`,
    );
  }
  return n;
}

function portOf(value: string | undefined): number {
  const n = Number(value ?? 0);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) {
    throw new Error(`--port must be a port number\n${USAGE}`);
  }
  return n;
}

function options() {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string' },
      snapshot: { type: 'string' },
      port: { type: 'string' },
      speed: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  return values;
}

function banner(scenario: string, url: string, yaml: string, path: string) {
  return [
    `simulated T.A.R.S. cluster (${scenario}) at ${url}`,
    '',
    yaml,
    `export KUBECONFIG=${path}`,
    'kubectl get pods -n tars',
    '',
    'Ctrl-C stops it.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const values = options();
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.snapshot && values.scenario) {
    throw new Error(
      '--scenario does not go with --snapshot: a snapshot is served ' +
        `as it is\n${USAGE}`,
    );
  }
  const scenario = scenarioOf(values.scenario);
  const speed = speedOf(values.speed);
  const port = portOf(values.port);
  const seed = values.snapshot
    ? await readFile(values.snapshot, 'utf8')
    : undefined;
  const cluster = createCluster(seed ? { seed } : {});
  if (scenario !== 'healthy') cluster.injectFault(scenario);
  await mkdir('.world', { recursive: true });
  const kubeconfigPath = resolve('.world/kubeconfig');
  const server = await startClusterServer(cluster, { port, kubeconfigPath });
  cluster.startTicker(speed);
  const { url, kubeconfigYaml } = server;
  const what = values.snapshot ? `snapshot ${values.snapshot}` : scenario;
  process.stdout.write(banner(what, url, kubeconfigYaml, kubeconfigPath));
  const stop = async () => {
    cluster.stopTicker();
    await server.close();
    // The kubeconfig would point at a port nobody serves any more.
    await rm(kubeconfigPath, { force: true });
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
