/**
 * Loose shapes of the Kubernetes objects the simulator stores. Objects are
 * kept as the JSON a real API server returns (timestamps are strings), so
 * these types name only the fields the controllers read or write.
 */
export type Labels = Record<string, string>;

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  generateName?: string;
  labels?: Labels;
  annotations?: Labels;
  ownerReferences?: OwnerReference[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string }[];
  ports?: { containerPort: number; name?: string; protocol?: string }[];
  resources?: { limits?: Labels; requests?: Labels };
  [key: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  nodeName?: string;
  [key: string]: unknown;
}

export interface PodTemplate {
  metadata?: { labels?: Labels; annotations?: Labels; [key: string]: unknown };
  spec: PodSpec;
}

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  [key: string]: unknown;
}

export interface Deployment extends KubeObject {
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplate;
    strategy?: {
      type?: string;
      rollingUpdate?: {
        maxSurge?: number | string;
        maxUnavailable?: number | string;
      };
    };
    progressDeadlineSeconds?: number;
    paused?: boolean;
    [key: string]: unknown;
  };
  status?: Record<string, unknown>;
}

export interface ReplicaSet extends KubeObject {
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplate;
    [key: string]: unknown;
  };
  status?: Record<string, unknown>;
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: Record<string, unknown>;
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
}

export interface Service extends KubeObject {
  spec: { selector?: Labels; ports?: ServicePort[]; [key: string]: unknown };
}

/** The resource kinds the simulator serves, by their API path segment. */
export const RESOURCES = {
  pods: { kind: 'Pod', group: '', namespaced: true },
  events: { kind: 'Event', group: '', namespaced: true },
  services: { kind: 'Service', group: '', namespaced: true },
  endpoints: { kind: 'Endpoints', group: '', namespaced: true },
  namespaces: { kind: 'Namespace', group: '', namespaced: false },
  nodes: { kind: 'Node', group: '', namespaced: false },
  deployments: { kind: 'Deployment', group: 'apps', namespaced: true },
  replicasets: { kind: 'ReplicaSet', group: 'apps', namespaced: true },
} as const;

export type ResourceName = keyof typeof RESOURCES;
export type KindName = (typeof RESOURCES)[ResourceName]['kind'];
