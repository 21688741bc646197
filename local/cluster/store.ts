import { getOrCreate } from './maps.ts';
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

interface State {
  kinds: Map<KindName, Map<string, KubeObject>>;
  fingerprints: WeakMap<KubeObject, string>;
  history: StoreEvent[];
  listeners: Set<(event: StoreEvent) => void>;
  revision: number;
}

function bucket(state: State, kind: KindName): Map<string, KubeObject> {
  return getOrCreate(state.kinds, kind, () => new Map<string, KubeObject>());
}

function emit(
  state: State,
  type: WatchType,
  kind: KindName,
  object: KubeObject,
) {
  const event = { type, kind, object, resourceVersion: state.revision };
  state.history.push(event);
  if (state.history.length > HISTORY_LIMIT) state.history.shift();
  for (const listener of state.listeners) listener(event);
}

function put(state: State, kind: KindName, object: KubeObject): boolean {
  const key = keyOf(object.metadata.namespace ?? '', object.metadata.name);
  const previous = bucket(state, kind).get(key);
  const print = fingerprint(object);
  if (previous && state.fingerprints.get(previous) === print) return false;

  state.revision += 1;
  const stored = copy(object);
  stored.metadata.resourceVersion = String(state.revision);
  deepFreeze(stored);
  state.fingerprints.set(stored, print);
  bucket(state, kind).set(key, stored);
  emit(state, previous ? 'MODIFIED' : 'ADDED', kind, stored);
  return true;
}

function remove(state: State, kind: KindName, namespace: string, name: string) {
  const key = keyOf(namespace, name);
  const previous = bucket(state, kind).get(key);
  if (!previous) return false;

  bucket(state, kind).delete(key);
  state.revision += 1;
  const gone = copy(previous);
  gone.metadata.resourceVersion = String(state.revision);
  emit(state, 'DELETED', kind, deepFreeze(gone));
  return true;
}

function since(state: State, resourceVersion: number): StoreEvent[] | null {
  const oldest = state.history[0]?.resourceVersion ?? state.revision + 1;
  if (resourceVersion < oldest - 1 && resourceVersion < state.revision) {
    return null;
  }
  return state.history.filter((e) => e.resourceVersion > resourceVersion);
}

/**
 * The object store with one global resource version, like etcd's revision.
 * `get` hands out a private copy; `list` the frozen stored objects.
 */
export function createStore(): Store {
  const state: State = {
    kinds: new Map(),
    fingerprints: new WeakMap(),
    history: [],
    listeners: new Set(),
    revision: 1000,
  };
  return {
    get: (kind, namespace, name) => {
      const found = bucket(state, kind).get(keyOf(namespace, name));
      return found ? copy(found) : null;
    },
    list: (kind, namespace) =>
      [...bucket(state, kind).values()].filter(
        (o) => !namespace || o.metadata.namespace === namespace,
      ),
    put: (kind, object) => put(state, kind, object),
    remove: (kind, namespace, name) => remove(state, kind, namespace, name),
    resourceVersion: () => state.revision,
    since: (resourceVersion) => since(state, resourceVersion),
    subscribe: (listener) => {
      state.listeners.add(listener);
      return () => state.listeners.delete(listener);
    },
  };
}
