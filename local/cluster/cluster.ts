import { adoptPod } from './adopt.ts';
import { createClock } from './clock.ts';
import type { SimContext } from './context.ts';
import { defaultObjects, NAMESPACE, nodeObject } from './default-model.ts';
import { reconcileDeployment } from './deployment-controller.ts';
import { reconcileEndpoints } from './endpoints-controller.ts';
import { ClusterError } from './errors.ts';
import { pruneEvents } from './events.ts';
import {
  applyFault,
  emptyFaults,
  type FaultKind,
  refreshAll,
} from './faults.ts';
import { type LogOptions, readPodLog } from './logs.ts';
import { isOwnedBy } from './objects.ts';
import { tickPod } from './pods.ts';
import { createRandom } from './random.ts';
import { deploymentOf, reconcileReplicaSet } from './replicaset-controller.ts';
import { createStore } from './store.ts';
import {
  type KindName,
  type KubeObject,
  type Pod,
  RESOURCES,
  type ReplicaSet,
} from './types.ts';

export interface ClusterOptions {
  /** A `kubectl get -o json` List (or one object) replacing the model. */
  seed?: unknown;
  /** Simulated start time (epoch ms); the real time by default. */
  now?: number;
  /** Seed of names and uids, so runs repeat. */
  randomSeed?: number;
  /** Simulated time run before serving, so pods start out settled. */
  warmUpMs?: number;
}

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  dryRun: boolean;
}

/** The simulated cluster: model, controllers, faults and time. */
export interface SimulatedCluster {
  /** Shared state, for the HTTP server in this folder. */
  readonly context: SimContext;
  now(): number;
  /** Runs the controllers through `ms` of simulated time, second by second. */
  advance(ms: number): void;
  /** Advances automatically: `speed` simulated ms per real ms (e.g. 60). */
  startTicker(speed: number): void;
  stopTicker(): void;
  /** Runs one controller pass without moving time (after an API write). */
  reconcile(): void;
  injectFault(
    kind: FaultKind,
    target?: { deployment?: string; namespace?: string },
  ): void;
  /** Brings tars-postgres back after `dependency-down`. */
  recoverDependency(): void;
  readLog(namespace: string, pod: string, options: LogOptions): string;
  /** Mutating HTTP requests received (PATCH, POST, PUT, DELETE). */
  writes(): number;
  requests(): RequestRecord[];
  recordRequest(record: RequestRecord): void;
}

const STEP_MS = 1_000;
const TICK_REAL_MS = 100;
const DEFAULT_WARM_UP_MS = 2 * 60 * 1000;
const MUTATING = new Set(['PATCH', 'POST', 'PUT', 'DELETE']);

const NODES = [
  {
    name: 'ip-10-0-1-23.ec2.internal',
    ip: '10.0.1.23',
    allocatableMemory: 15 * 2 ** 30,
  },
  {
    name: 'ip-10-0-2-41.ec2.internal',
    ip: '10.0.2.41',
    allocatableMemory: 15 * 2 ** 30,
  },
  {
    name: 'ip-10-0-3-77.ec2.internal',
    ip: '10.0.3.77',
    allocatableMemory: 15 * 2 ** 30,
  },
];

const KINDS = new Set<string>(Object.values(RESOURCES).map((r) => r.kind));

function createContext(start: number, randomSeed: number): SimContext {
  return {
    store: createStore(),
    clock: createClock(start),
    random: createRandom(randomSeed),
    faults: emptyFaults(),
    nodes: NODES,
    pods: new Map(),
    deployments: new Map(),
    nextIp: { value: 10 },
  };
}

function reconcileAll(context: SimContext): void {
  const { store } = context;
  for (const sim of [...context.pods.values()]) tickPod(context, sim);
  for (const rs of store.list('ReplicaSet'))
    reconcileReplicaSet(context, rs as ReplicaSet);
  for (const d of store.list('Deployment'))
    reconcileDeployment(context, d as never);
  for (const rs of store.list('ReplicaSet'))
    reconcileReplicaSet(context, rs as ReplicaSet);
  for (const svc of store.list('Service'))
    reconcileEndpoints(context, svc as never);
}

function seedItems(seed: unknown): KubeObject[] {
  const parsed = typeof seed === 'string' ? JSON.parse(seed) : seed;
  if (!parsed || typeof parsed !== 'object') {
    throw new ClusterError('a seed must be a Kubernetes object or List');
  }
  const object = parsed as { kind?: string; items?: KubeObject[] };
  if (Array.isArray(object.items)) return object.items;
  return [parsed as KubeObject];
}

function storeSeed(context: SimContext, item: KubeObject): void {
  if (!item.kind || !KINDS.has(item.kind) || !item.metadata?.name) return;
  item.metadata.uid ??= context.random.uid();
  item.metadata.namespace ??=
    item.kind === 'Node' || item.kind === 'Namespace' ? '' : 'default';
  context.store.put(item.kind as KindName, item);
}

function adoptPods(context: SimContext): void {
  const sets = context.store.list('ReplicaSet') as ReplicaSet[];
  for (const pod of context.store.list('Pod') as Pod[]) {
    const owner = sets.find((rs) => isOwnedBy(pod, rs));
    const deployment = owner ? deploymentOf(owner) : pod.metadata.name;
    const hash = pod.metadata.labels?.['pod-template-hash'] ?? '';
    adoptPod(context, pod, deployment, hash);
  }
}

function seedCluster(context: SimContext, seed: unknown): void {
  const items = seedItems(seed);
  for (const item of items) storeSeed(context, item);
  const namespaces = new Set(
    items.map((i) => i.metadata?.namespace).filter(Boolean),
  );
  for (const ns of namespaces) {
    if (context.store.get('Namespace', '', String(ns))) continue;
    context.store.put('Namespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: String(ns), namespace: '', uid: context.random.uid() },
      status: { phase: 'Active' },
    });
  }
  adoptPods(context);
  refreshAll(context);
}

function advanceBy(context: SimContext, ms: number): void {
  let remaining = ms;
  let lastPrune = context.clock.now();
  while (remaining > 0) {
    const step = Math.min(STEP_MS, remaining);
    context.clock.advance(step);
    remaining -= step;
    reconcileAll(context);
    if (context.clock.now() - lastPrune >= 60_000) {
      pruneEvents(context);
      lastPrune = context.clock.now();
    }
  }
}

/**
 * Builds the simulated T.A.R.S. cluster: the default namespace model (or a
 * seed), warmed up until its pods run, with the controllers ready to move.
 */
export function createCluster(options: ClusterOptions = {}): SimulatedCluster {
  const warmUp = options.seed ? 0 : (options.warmUpMs ?? DEFAULT_WARM_UP_MS);
  const context = createContext(
    (options.now ?? Date.now()) - warmUp,
    options.randomSeed ?? 7,
  );
  for (const node of NODES)
    context.store.put('Node', nodeObject(context, node.name, node.ip));
  if (options.seed) seedCluster(context, options.seed);
  else
    for (const o of defaultObjects(context))
      context.store.put(o.kind as KindName, o);
  advanceBy(context, warmUp);
  reconcileAll(context);
  return clusterApi(context);
}

function clusterApi(context: SimContext): SimulatedCluster {
  const log: RequestRecord[] = [];
  let ticker: NodeJS.Timeout | undefined;
  return {
    context,
    now: () => context.clock.now(),
    advance: (ms) => advanceBy(context, ms),
    startTicker: (speed) => {
      clearInterval(ticker);
      ticker = setInterval(
        () => advanceBy(context, TICK_REAL_MS * speed),
        TICK_REAL_MS,
      );
      ticker.unref();
    },
    stopTicker: () => clearInterval(ticker),
    reconcile: () => reconcileAll(context),
    injectFault: (kind, target = {}) => {
      applyFault(
        context,
        kind,
        target.namespace ?? NAMESPACE,
        target.deployment ?? 'tars-eval-engine',
      );
      reconcileAll(context);
    },
    recoverDependency: () => {
      context.faults.dependencyDown = false;
      refreshAll(context);
    },
    readLog: (namespace, pod, logOptions) =>
      readPodLog(context, namespace, pod, logOptions),
    writes: () => log.filter((r) => MUTATING.has(r.method)).length,
    requests: () => [...log],
    recordRequest: (record) => {
      log.push(record);
    },
  };
}
