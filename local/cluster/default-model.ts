import type { SimContext } from './context.ts';
import { newMeta } from './objects.ts';
import type { Container, Deployment, KubeObject, Service } from './types.ts';

export const NAMESPACE = 'tars';

interface AppSpec {
  name: string;
  container: string;
  image: string;
  replicas: number;
  port: number;
  portName: string;
  memory: { limit: string; request: string };
  cpu: { limit: string; request: string };
  env: Record<string, string>;
  probePath?: string;
}

const PYTHON_ENV = {
  POSTGRES_HOST: 'tars-postgres',
  POSTGRES_URL: 'postgresql://tars@tars-postgres:5432/tars',
  REDIS_URL: 'redis://tars-redis:6379/0',
};

/** The release every T.A.R.S. service image is tagged with. */
const TARS_VERSION = '1.4.2';

type AppSizing = Pick<AppSpec, 'name' | 'replicas' | 'port' | 'env'> & {
  memory: [limit: string, request: string];
  cpu: [limit: string, request: string];
};

/** A T.A.R.S. Python service: HTTP on its port, probed at `/health`. */
function tarsApp(container: string, sizing: AppSizing): AppSpec {
  return {
    ...sizing,
    container,
    image: `tars/${container}:${TARS_VERSION}`,
    portName: 'http',
    memory: { limit: sizing.memory[0], request: sizing.memory[1] },
    cpu: { limit: sizing.cpu[0], request: sizing.cpu[1] },
    probePath: '/health',
  };
}

/** The T.A.R.S. namespace as the playbook describes it. */
export const APPS: AppSpec[] = [
  tarsApp('eval-engine', {
    name: 'tars-eval-engine',
    replicas: 2,
    port: 8099,
    memory: ['4Gi', '2Gi'],
    cpu: ['2', '1'],
    env: { ...PYTHON_ENV, EVAL_WORKER_TIMEOUT: '300', EVAL_WORKERS: '8' },
  }),
  tarsApp('orchestration', {
    name: 'tars-orchestration',
    replicas: 1,
    port: 8097,
    memory: ['2Gi', '1Gi'],
    cpu: ['1', '500m'],
    env: PYTHON_ENV,
  }),
  tarsApp('hypersync', {
    name: 'hypersync',
    replicas: 1,
    port: 8098,
    memory: ['1Gi', '512Mi'],
    cpu: ['1', '250m'],
    env: { REDIS_URL: PYTHON_ENV.REDIS_URL },
  }),
  {
    name: 'tars-postgres',
    container: 'postgres',
    image: 'postgres:16.4',
    replicas: 1,
    port: 5432,
    portName: 'postgres',
    memory: { limit: '2Gi', request: '1Gi' },
    cpu: { limit: '2', request: '500m' },
    env: { POSTGRES_DB: 'tars' },
  },
  {
    name: 'tars-redis',
    container: 'redis',
    image: 'redis:7.2.5',
    replicas: 1,
    port: 6379,
    portName: 'redis',
    memory: { limit: '512Mi', request: '256Mi' },
    cpu: { limit: '500m', request: '100m' },
    env: {},
  },
];

function probe(app: AppSpec, delay: number) {
  const handler = app.probePath
    ? { httpGet: { path: app.probePath, port: app.port, scheme: 'HTTP' } }
    : { tcpSocket: { port: app.port } };
  return {
    ...handler,
    initialDelaySeconds: delay,
    periodSeconds: 10,
    timeoutSeconds: 1,
    successThreshold: 1,
    failureThreshold: 3,
  };
}

function container(app: AppSpec): Container {
  return {
    name: app.container,
    image: app.image,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: app.portName, containerPort: app.port, protocol: 'TCP' }],
    env: Object.entries(app.env).map(([name, value]) => ({ name, value })),
    resources: {
      limits: { cpu: app.cpu.limit, memory: app.memory.limit },
      requests: { cpu: app.cpu.request, memory: app.memory.request },
    },
    readinessProbe: probe(app, 10),
    livenessProbe: probe(app, 30),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

function deployment(context: SimContext, app: AppSpec): Deployment {
  const labels = { app: app.name, 'app.kubernetes.io/part-of': 'tars' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: newMeta(context, app.name, NAMESPACE, {
      generation: 1,
      labels,
      annotations: {},
    }),
    spec: {
      replicas: app.replicas,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: app.name } },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
      template: {
        metadata: { creationTimestamp: null, labels },
        spec: {
          containers: [container(app)],
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    },
  };
}

function service(context: SimContext, app: AppSpec, index: number): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: newMeta(context, app.name, NAMESPACE, {
      labels: { app: app.name },
    }),
    spec: {
      type: 'ClusterIP',
      clusterIP: `172.20.${40 + index}.${17 + index * 3}`,
      clusterIPs: [`172.20.${40 + index}.${17 + index * 3}`],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
      selector: { app: app.name },
      ports: [
        {
          name: app.portName,
          port: app.port,
          protocol: 'TCP',
          targetPort: app.port,
        },
      ],
    },
    status: { loadBalancer: {} },
  };
}

function namespace(context: SimContext): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: newMeta(context, NAMESPACE, '', {
      labels: { 'kubernetes.io/metadata.name': NAMESPACE },
    }),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

/** Namespace, deployments and services of the healthy T.A.R.S. cluster. */
export function defaultObjects(context: SimContext): KubeObject[] {
  return [
    namespace(context),
    ...APPS.map((app) => deployment(context, app)),
    ...APPS.map((app, i) => service(context, app, i)),
  ];
}

/** A node object for `kubectl get nodes` and the scheduler's messages. */
export function nodeObject(
  context: SimContext,
  name: string,
  ip: string,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: newMeta(context, name, '', {
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'm6i.xlarge',
      },
    }),
    spec: {},
    status: nodeStatus(name, ip),
  };
}

/** A ready m6i.xlarge EKS node's status. */
function nodeStatus(name: string, ip: string) {
  return {
    addresses: [
      { type: 'InternalIP', address: ip },
      { type: 'Hostname', address: name },
    ],
    allocatable: { cpu: '3920m', memory: '15Gi', pods: '58' },
    capacity: { cpu: '4', memory: '16Gi', pods: '58' },
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message: 'kubelet is posting ready status',
      },
    ],
    nodeInfo: {
      kubeletVersion: 'v1.32.4-eks',
      containerRuntimeVersion: 'containerd://1.7.27',
      osImage: 'Amazon Linux 2023',
      architecture: 'amd64',
      operatingSystem: 'linux',
    },
  };
}
