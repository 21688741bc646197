import type { KubeObject, ResourceName } from './types.ts';

type Cell = string | number;
type Column = [name: string, read: (o: Obj, now: number) => Cell];
type Obj = KubeObject & Record<string, unknown>;

const field = (o: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (v, k) =>
        v && typeof v === 'object'
          ? (v as Record<string, unknown>)[k]
          : undefined,
      o,
    );

const num = (o: unknown, path: string) => Number(field(o, path) ?? 0);

/** kubectl's short human durations: 45s, 3m12s, 17m, 5h3m, 3d. */
export function humanAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

const age = (path: string) => (o: Obj, now: number) => {
  const at = Date.parse(String(field(o, path) ?? ''));
  return Number.isNaN(at) ? '<unknown>' : humanAge(now - at);
};

const name: Column = ['Name', (o) => o.metadata.name];
const created: Column = ['Age', age('metadata.creationTimestamp')];

interface Status {
  state?: { waiting?: { reason?: string }; terminated?: { reason?: string } };
  ready?: boolean;
  restartCount?: number;
}

const statuses = (o: Obj) =>
  (field(o, 'status.containerStatuses') ?? []) as Status[];

function podStatus(o: Obj): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  for (const s of statuses(o)) {
    const reason = s.state?.waiting?.reason ?? s.state?.terminated?.reason;
    if (reason) return reason;
  }
  return String(field(o, 'status.phase') ?? 'Unknown');
}

/** `ready/total` containers, as kubectl's READY column shows them. */
function podReady(o: Obj): string {
  const ready = statuses(o).filter((s) => s.ready).length;
  const total = (field(o, 'spec.containers') as unknown[]).length;
  return `${ready}/${total}`;
}

/** `kind/name` of the object an event is about, kind in lower case. */
function involvedObject(o: Obj): string {
  const kind = String(field(o, 'involvedObject.kind')).toLowerCase();
  return `${kind}/${String(field(o, 'involvedObject.name'))}`;
}

function endpointList(o: Obj): string {
  const subsets = (o.subsets ?? []) as {
    addresses?: { ip: string }[];
    ports?: { port: number }[];
  }[];
  const all = subsets.flatMap((s) =>
    (s.addresses ?? []).flatMap((a) =>
      (s.ports ?? []).map((p) => `${a.ip}:${p.port}`),
    ),
  );
  return all.length ? all.join(',') : '<none>';
}

const COLUMNS: Record<ResourceName, Column[]> = {
  pods: [
    name,
    ['Ready', podReady],
    ['Status', podStatus],
    [
      'Restarts',
      (o) => statuses(o).reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
    ],
    created,
    ['IP', (o) => String(field(o, 'status.podIP') ?? '<none>')],
    ['Node', (o) => String(field(o, 'spec.nodeName') ?? '<none>')],
  ],
  deployments: [
    name,
    [
      'Ready',
      (o) => `${num(o, 'status.readyReplicas')}/${num(o, 'spec.replicas')}`,
    ],
    ['Up-to-date', (o) => num(o, 'status.updatedReplicas')],
    ['Available', (o) => num(o, 'status.availableReplicas')],
    created,
  ],
  replicasets: [
    name,
    ['Desired', (o) => num(o, 'spec.replicas')],
    ['Current', (o) => num(o, 'status.replicas')],
    ['Ready', (o) => num(o, 'status.readyReplicas')],
    created,
  ],
  services: [
    name,
    ['Type', (o) => String(field(o, 'spec.type'))],
    ['Cluster-IP', (o) => String(field(o, 'spec.clusterIP'))],
    ['External-IP', () => '<none>'],
    [
      'Port(s)',
      (o) =>
        (
          (field(o, 'spec.ports') ?? []) as {
            port: number;
            protocol?: string;
          }[]
        )
          .map((p) => `${p.port}/${p.protocol ?? 'TCP'}`)
          .join(','),
    ],
    created,
  ],
  endpoints: [name, ['Endpoints', endpointList], created],
  events: [
    ['Last Seen', age('lastTimestamp')],
    ['Type', (o) => String(o.type)],
    ['Reason', (o) => String(o.reason)],
    ['Object', involvedObject],
    ['Message', (o) => String(o.message)],
  ],
  nodes: [
    name,
    ['Status', () => 'Ready'],
    ['Roles', () => '<none>'],
    created,
    ['Version', (o) => String(field(o, 'status.nodeInfo.kubeletVersion'))],
  ],
  namespaces: [
    name,
    ['Status', (o) => String(field(o, 'status.phase'))],
    created,
  ],
};

/** Whether the client asked for server-side printing (kubectl does). */
export const wantsTable = (accept: string | undefined) =>
  (accept ?? '').includes('as=Table');

/**
 * A `meta.k8s.io/v1` Table, which kubectl 1.32 needs to print anything but
 * names: it no longer has printers of its own for built-in kinds.
 */
export function toTable(
  resource: ResourceName,
  objects: KubeObject[],
  now: number,
  includeObject: string | null,
  resourceVersion: string,
) {
  const columns = COLUMNS[resource];
  const wide = resource === 'pods' ? 5 : columns.length;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map(([title], i) => ({
      name: title,
      type: 'string',
      format: i === 0 && title === 'Name' ? 'name' : '',
      description: title,
      priority: i < wide ? 0 : 1,
    })),
    rows: objects.map((o) => ({
      cells: columns.map(([, read]) => read(o as Obj, now)),
      object:
        includeObject === 'Object'
          ? o
          : {
              kind: 'PartialObjectMetadata',
              apiVersion: 'meta.k8s.io/v1',
              metadata: o.metadata,
            },
    })),
  };
}
