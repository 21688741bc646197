import { isoSeconds } from './clock.ts';
import type { SimContext } from './context.ts';
import { canonicalJson } from './random.ts';
import type {
  KindName,
  KubeObject,
  ObjectMeta,
  OwnerReference,
  Pod,
  PodTemplate,
} from './types.ts';

/** Fresh metadata for an object the simulator creates. */
export function newMeta(
  context: SimContext,
  name: string,
  namespace: string,
  extra: Partial<ObjectMeta> = {},
): ObjectMeta {
  return {
    name,
    namespace,
    uid: context.random.uid(),
    creationTimestamp: isoSeconds(context.clock.now()),
    ...extra,
  };
}

/** The controller reference pointing at `owner`. */
export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? 'v1',
    kind: owner.kind ?? '',
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Whether `owner` is the controller of `object` (by uid, else by name). */
export function isOwnedBy(object: KubeObject, owner: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some(
    (ref) =>
      ref.kind === owner.kind &&
      (ref.uid === owner.metadata.uid || ref.name === owner.metadata.name),
  );
}

export const isDeleting = (object: KubeObject) =>
  object.metadata.deletionTimestamp !== undefined;

/** Ready as the endpoints and deployment controllers read it. */
export function isPodReady(pod: Pod): boolean {
  const conditions = (pod.status?.conditions ?? []) as {
    type: string;
    status: string;
  }[];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Whether two pod templates are the same, ignoring pod-template-hash. */
export function sameTemplate(a: PodTemplate, b: PodTemplate): boolean {
  return templateText(a) === templateText(b);
}

/** Stored objects are frozen, so their canonical text can be cached. */
const templateTexts = new WeakMap<PodTemplate, string>();

function templateText(template: PodTemplate): string {
  const cached = templateTexts.get(template);
  if (cached !== undefined) return cached;
  const copy = structuredClone(template);
  if (copy.metadata?.labels) delete copy.metadata.labels['pod-template-hash'];
  const text = canonicalJson(copy);
  if (Object.isFrozen(template)) templateTexts.set(template, text);
  return text;
}

/**
 * Stores an object, bumping `metadata.generation` when its spec changed,
 * as the API server does for workloads.
 */
export function putWithGeneration(
  context: SimContext,
  kind: KindName,
  object: KubeObject,
): void {
  const ns = object.metadata.namespace ?? '';
  const previous = context.store.get(kind, ns, object.metadata.name);
  const generation = previous?.metadata.generation ?? 1;
  const changed =
    previous && canonicalJson(previous.spec) !== canonicalJson(object.spec);
  object.metadata.generation = changed ? generation + 1 : generation;
  context.store.put(kind, object);
}

/** Drops zero counters, as the API omits empty status integers. */
export function compact(
  status: Record<string, unknown>,
  keep: string[] = [],
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(status).filter(
      ([key, value]) => value !== 0 || keep.includes(key),
    ),
  );
}
