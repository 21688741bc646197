import type { SimContext } from './context.ts';
import { reconcileDeployment } from './deployment-controller.ts';
import { ClusterError } from './errors.ts';
import { refreshFate } from './kubelet.ts';
import { isOwnedBy, putWithGeneration } from './objects.ts';
import { deletePod } from './pods.ts';
import { activePods } from './replicaset-controller.ts';
import type { Deployment, Pod, ReplicaSet } from './types.ts';

/** Faults `injectFault` knows; `healthy` clears them for a deployment. */
export const FAULT_KINDS = [
  'healthy',
  'oom-killed',
  'crash-loop',
  'dependency-down',
  'image-pull',
  'unschedulable',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What the OOM fault's app needs: more than the default 4Gi limit. */
export const OOM_NEEDS_BYTES = 6 * 2 ** 30;
/** Free memory per node while other workloads crowd the cluster. */
const CROWDED_FREE_BYTES = 2 ** 30;

export function emptyFaults(): SimContext['faults'] {
  return {
    oomNeeds: new Map(),
    crashing: new Map(),
    missingImages: new Set(),
    nodeFreeMemory: null,
    dependencyDown: false,
  };
}

function deploymentNamed(context: SimContext, namespace: string, name: string) {
  const found = context.store.get(
    'Deployment',
    namespace,
    name,
  ) as Deployment | null;
  if (!found) {
    throw new ClusterError(`deployment ${namespace}/${name} does not exist`);
  }
  return found;
}

function setsOf(context: SimContext, d: Deployment): ReplicaSet[] {
  return (
    context.store.list('ReplicaSet', d.metadata.namespace) as ReplicaSet[]
  ).filter((rs) => isOwnedBy(rs, d));
}

/** Re-decides every running container and retries unscheduled pods now. */
export function refreshAll(context: SimContext): void {
  for (const sim of context.pods.values()) {
    const pod = context.store.get('Pod', sim.namespace, sim.name) as Pod | null;
    if (!pod) continue;
    if (!sim.scheduled) sim.nextScheduleAt = context.clock.now();
    for (const c of sim.containers) refreshFate(context, sim, pod, c);
  }
}

function evict(context: SimContext, d: Deployment): void {
  for (const rs of setsOf(context, d)) {
    for (const pod of activePods(context, rs)) deletePod(context, pod);
  }
}

/** A tag the registry does not have: the next patch version. */
function missingTag(image: string): string {
  const [repo = image, tag = 'latest'] = image.split(':');
  const parts = tag.split('.');
  const last = Number(parts.at(-1));
  if (parts.length === 3 && Number.isInteger(last)) {
    return `${repo}:${[...parts.slice(0, 2), last + 1].join('.')}`;
  }
  return `${repo}:${tag}-missing`;
}

/**
 * A bad deploy: the template moves to a tag the registry lacks, and the
 * old pods are gone (evicted), so nothing serves until someone fixes it.
 */
function breakImage(context: SimContext, d: Deployment): void {
  const container = d.spec.template.spec.containers[0];
  if (!container) return;
  container.image = missingTag(container.image);
  context.faults.missingImages.add(container.image);
  putWithGeneration(context, 'Deployment', d);
  const fresh = deploymentNamed(
    context,
    d.metadata.namespace ?? '',
    d.metadata.name,
  );
  reconcileDeployment(context, fresh);
  for (const rs of setsOf(context, fresh)) {
    if (rs.metadata.labels?.['pod-template-hash'] === undefined) continue;
    const current =
      rs.spec.template.spec.containers[0]?.image === container.image;
    if (current) continue;
    const scaled = structuredClone(rs);
    scaled.spec.replicas = 0;
    putWithGeneration(context, 'ReplicaSet', scaled);
  }
}

function clear(context: SimContext, name: string): void {
  context.faults.oomNeeds.delete(name);
  context.faults.crashing.delete(name);
  context.faults.missingImages.clear();
  context.faults.nodeFreeMemory = null;
  context.faults.dependencyDown = false;
}

const HANDLERS: Record<FaultKind, (c: SimContext, d: Deployment) => void> = {
  healthy: (c, d) => clear(c, d.metadata.name),
  'oom-killed': (c, d) => {
    c.faults.oomNeeds.set(d.metadata.name, OOM_NEEDS_BYTES);
  },
  'crash-loop': (c, d) => {
    const hashes = setsOf(c, d).map(
      (rs) => rs.metadata.labels?.['pod-template-hash'] ?? '',
    );
    c.faults.crashing.set(d.metadata.name, new Set(hashes));
  },
  'dependency-down': (c) => {
    c.faults.dependencyDown = true;
  },
  'image-pull': breakImage,
  unschedulable: (c, d) => {
    c.faults.nodeFreeMemory = CROWDED_FREE_BYTES;
    evict(c, d);
  },
};

/** Applies a fault to a deployment; running containers react at once. */
export function applyFault(
  context: SimContext,
  kind: FaultKind,
  namespace: string,
  name: string,
): void {
  HANDLERS[kind](context, deploymentNamed(context, namespace, name));
  refreshAll(context);
}
