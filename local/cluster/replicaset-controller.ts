import type { SimContext } from './context.ts';
import { recordEvent } from './events.ts';
import {
  compact,
  controllerRef,
  isDeleting,
  isOwnedBy,
  isPodReady,
  newMeta,
} from './objects.ts';
import { deletePod, simulatePod } from './pods.ts';
import type { Container, Pod, ReplicaSet } from './types.ts';

const POD_DEFAULTS = {
  dnsPolicy: 'ClusterFirst',
  enableServiceLinks: true,
  preemptionPolicy: 'PreemptLowerPriority',
  priority: 0,
  restartPolicy: 'Always',
  schedulerName: 'default-scheduler',
  securityContext: {},
  serviceAccount: 'default',
  serviceAccountName: 'default',
  terminationGracePeriodSeconds: 30,
  tolerations: ['not-ready', 'unreachable'].map((what) => ({
    effect: 'NoExecute',
    key: `node.kubernetes.io/${what}`,
    operator: 'Exists',
    tolerationSeconds: 300,
  })),
};

function qosClass(containers: Container[]): string {
  const resources = containers.map((c) => c.resources ?? {});
  const none = resources.every((r) => !r.limits && !r.requests);
  if (none) return 'BestEffort';
  const guaranteed = resources.every(
    (r) =>
      r.limits?.cpu !== undefined &&
      r.limits.memory !== undefined &&
      (r.requests?.cpu ?? r.limits.cpu) === r.limits.cpu &&
      (r.requests?.memory ?? r.limits.memory) === r.limits.memory,
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The deployment that owns a replica set, else the set's own name. */
export function deploymentOf(rs: ReplicaSet): string {
  const owner = (rs.metadata.ownerReferences ?? []).find(
    (ref) => ref.kind === 'Deployment',
  );
  return owner?.name ?? rs.metadata.name;
}

function createPod(context: SimContext, rs: ReplicaSet): void {
  const namespace = rs.metadata.namespace ?? 'default';
  const name = `${rs.metadata.name}-${context.random.suffix(5)}`;
  const template = structuredClone(rs.spec.template);
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: newMeta(context, name, namespace, {
      generateName: `${rs.metadata.name}-`,
      labels: template.metadata?.labels ?? {},
      ...(template.metadata?.annotations
        ? { annotations: template.metadata.annotations }
        : {}),
      ownerReferences: [controllerRef(rs)],
    }),
    spec: { ...POD_DEFAULTS, ...template.spec },
    status: { phase: 'Pending', qosClass: qosClass(template.spec.containers) },
  };
  context.store.put('Pod', pod);
  const hash = rs.metadata.labels?.['pod-template-hash'] ?? '';
  simulatePod(context, pod, deploymentOf(rs), hash);
  recordEvent(context, rs, {
    type: 'Normal',
    reason: 'SuccessfulCreate',
    message: `Created pod: ${name}`,
    component: 'replicaset-controller',
  });
}

/** Unscheduled, then unready, then youngest pods go first on scale-down. */
function deletionRank(pod: Pod): number {
  if (!pod.spec.nodeName) return 0;
  return isPodReady(pod) ? 2 : 1;
}

function removePods(
  context: SimContext,
  rs: ReplicaSet,
  pods: Pod[],
  count: number,
) {
  const victims = [...pods]
    .sort(
      (a, b) =>
        deletionRank(a) - deletionRank(b) ||
        String(b.metadata.creationTimestamp).localeCompare(
          String(a.metadata.creationTimestamp),
        ),
    )
    .slice(0, count);
  for (const pod of victims) {
    deletePod(context, pod);
    recordEvent(context, rs, {
      type: 'Normal',
      reason: 'SuccessfulDelete',
      message: `Deleted pod: ${pod.metadata.name}`,
      component: 'replicaset-controller',
    });
  }
}

/** Pods a replica set controls that are not being deleted. */
export function activePods(context: SimContext, rs: ReplicaSet): Pod[] {
  return (context.store.list('Pod', rs.metadata.namespace) as Pod[]).filter(
    (pod) => isOwnedBy(pod, rs) && !isDeleting(pod),
  );
}

/** Creates or deletes pods until the set has `spec.replicas`, then status. */
export function reconcileReplicaSet(context: SimContext, rs: ReplicaSet): void {
  const want = rs.spec.replicas ?? 1;
  const pods = activePods(context, rs);
  for (let i = pods.length; i < want; i += 1) createPod(context, rs);
  if (pods.length > want) removePods(context, rs, pods, pods.length - want);
  const now = activePods(context, rs);
  const ready = now.filter(isPodReady).length;
  const status = compact(
    {
      replicas: now.length,
      fullyLabeledReplicas: now.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
    },
    ['replicas'],
  );
  const fresh = context.store.get(
    'ReplicaSet',
    rs.metadata.namespace ?? '',
    rs.metadata.name,
  );
  if (fresh) context.store.put('ReplicaSet', { ...fresh, status });
}
