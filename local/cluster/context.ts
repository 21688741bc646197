import type { Clock } from './clock.ts';
import type { Random } from './random.ts';
import type { Store } from './store.ts';

/** A log line of a simulated container, stamped in simulated time. */
export interface LogLine {
  at: number;
  text: string;
}

/** How a container run ends: it keeps running, exits, or never gets ready. */
export type Fate =
  | { kind: 'ok' }
  | { kind: 'unready'; logs: string[] }
  | {
      kind: 'exit';
      exitCode: number;
      reason: 'Error' | 'OOMKilled';
      afterMs: number;
      logs: string[];
    };

export const CONTAINER_STAGES = [
  'pulling',
  'pull-backoff',
  'running',
  'crash-backoff',
] as const;
export type ContainerStage = (typeof CONTAINER_STAGES)[number];

export interface Terminated {
  exitCode: number;
  reason: string;
  startedAt: number;
  finishedAt: number;
  containerID: string;
}

export interface ContainerSim {
  name: string;
  image: string;
  stage: ContainerStage;
  until: number;
  waitingReason: string;
  waitingMessage: string;
  fate: Fate;
  startedAt: number | null;
  readyAt: number | null;
  exitAt: number | null;
  restarts: number;
  pullFailures: number;
  containerId: string;
  imageId: string;
  lastTerminated: Terminated | null;
  logs: LogLine[];
  previousLogs: LogLine[];
  nextChatterAt: number;
}

export interface PodSim {
  uid: string;
  namespace: string;
  name: string;
  deployment: string;
  templateHash: string;
  scheduled: boolean;
  nextScheduleAt: number;
  unschedulableMessage: string | null;
  podIp: string;
  hostIp: string;
  node: string;
  startTime: number | null;
  deleteAt: number | null;
  containers: ContainerSim[];
  conditionTimes: Record<string, { status: string; at: number }>;
}

export interface DeploymentSim {
  signature: string;
  progressAt: number;
  conditionTimes: Record<string, { status: string; at: number }>;
}

/** Faults in force; see `faults.ts` for how each one is injected. */
export interface FaultState {
  /** Deployment name to the memory its container really needs. */
  oomNeeds: Map<string, number>;
  /** Deployment name to the template hashes whose app crashes on start. */
  crashing: Map<string, Set<string>>;
  /** Images the registry answers `manifest unknown` for. */
  missingImages: Set<string>;
  /** Memory still free per node while other workloads crowd it, if so. */
  nodeFreeMemory: number | null;
  dependencyDown: boolean;
}

export interface NodeInfo {
  name: string;
  ip: string;
  allocatableMemory: number;
}

/** Everything the controllers share. */
export interface SimContext {
  store: Store;
  clock: Clock;
  random: Random;
  faults: FaultState;
  nodes: NodeInfo[];
  pods: Map<string, PodSim>;
  deployments: Map<string, DeploymentSim>;
  nextIp: { value: number };
}
