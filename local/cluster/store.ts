import type { KindName, KubeObject } from './types.ts';

export const WATCH_TYPES = ['ADDED', 'MODIFIED', 'DELETED'] as const;
export type WatchType = (typeof WATCH_TYPES)[number];

export interface StoreEvent {
  type: WatchType;
  kind: KindName;
  object: KubeObject;
  resourceVersion: number;
}

export interface Store {
  /** A private copy of one object, free to edit and `put` back. */
  get(kind: KindName, namespace: string, name: string): KubeObject | null;
  /** The stored objects themselves, deep-frozen: copy before editing. */
  list(kind: KindName, namespace?: string): KubeObject[];
  /** Adds or replaces; a no-op (false) when nothing but metadata differs. */
  put(kind: KindName, object: KubeObject): boolean;
  remove(kind: KindName, namespace: string, name: string): boolean;
  resourceVersion(): number;
  /** Changes after `resourceVersion`; null when history no longer has them. */
  since(resourceVersion: number): StoreEvent[] | null;
  subscribe(listener: (event: StoreEvent) => void): () => void;
}

/** How many changes watches can resume from; older ones answer 410 Gone. */
const HISTORY_LIMIT = 20_000;

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Comparable text of an object without its resource version. Plain JSON
 * order is enough: controllers rebuild objects with the same key order, and
 * a rare spurious difference only costs one extra MODIFIED event.
 */
function fingerprint(object: KubeObject): string {
  const { resourceVersion: _ignored, ...metadata } = object.metadata;
  return JSON.stringify({ ...object, metadata });
}

/**
 * The object store with one global resource version, like etcd's revision.
 * Everything handed out is a deep copy, so callers edit freely and `put`.
 */
export function createStore(): Store {
  const kinds = new Map<KindName, Map<string, KubeObject>>();
  const fingerprints = new WeakMap<KubeObject, string>();
  const history: StoreEvent[] = [];
  const listeners = new Set<(event: StoreEvent) => void>();
  let revision = 1000;

  const bucket = (kind: KindName) => {
    const existing = kinds.get(kind);
    if (existing) return existing;
    const created = new Map<string, KubeObject>();
    kinds.set(kind, created);
    return created;
  };

  const emit = (type: WatchType, kind: KindName, object: KubeObject) => {
    const event = { type, kind, object, resourceVersion: revision };
    history.push(event);
    if (history.length > HISTORY_LIMIT) history.shift();
    for (const listener of listeners) listener(event);
  };

  return {
    get: (kind, namespace, name) => {
      const found = bucket(kind).get(keyOf(namespace, name));
      return found ? copy(found) : null;
    },
    list: (kind, namespace) =>
      [...bucket(kind).values()].filter(
        (o) => !namespace || o.metadata.namespace === namespace,
      ),
    put: (kind, object) => {
      const key = keyOf(object.metadata.namespace ?? '', object.metadata.name);
      const previous = bucket(kind).get(key);
      const print = fingerprint(object);
      if (previous && fingerprints.get(previous) === print) return false;
      revision += 1;
      const stored = copy(object);
      stored.metadata.resourceVersion = String(revision);
      deepFreeze(stored);
      fingerprints.set(stored, print);
      bucket(kind).set(key, stored);
      emit(previous ? 'MODIFIED' : 'ADDED', kind, stored);
      return true;
    },
    remove: (kind, namespace, name) => {
      const key = keyOf(namespace, name);
      const previous = bucket(kind).get(key);
      if (!previous) return false;
      bucket(kind).delete(key);
      revision += 1;
      const gone = copy(previous);
      gone.metadata.resourceVersion = String(revision);
      emit('DELETED', kind, deepFreeze(gone));
      return true;
    },
    resourceVersion: () => revision,
    since: (resourceVersion) => {
      const oldest = history[0]?.resourceVersion ?? revision + 1;
      if (resourceVersion < oldest - 1 && resourceVersion < revision) {
        return null;
      }
      return history.filter((e) => e.resourceVersion > resourceVersion);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
