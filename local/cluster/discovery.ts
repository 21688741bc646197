import { RESOURCES, type ResourceName } from './types.ts';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'patch', 'update'];

const SHORT_NAMES: Partial<Record<ResourceName, string[]>> = {
  pods: ['po'],
  events: ['ev'],
  services: ['svc'],
  endpoints: ['ep'],
  namespaces: ['ns'],
  nodes: ['no'],
  deployments: ['deploy'],
  replicasets: ['rs'],
};

function resourceEntry(name: ResourceName) {
  const info = RESOURCES[name];
  const singular = info.kind.toLowerCase();
  return {
    name,
    singularName: singular === 'endpoints' ? 'endpoints' : singular,
    namespaced: info.namespaced,
    kind: info.kind,
    verbs:
      name === 'deployments' || name === 'pods' ? [...READ, ...WRITE] : READ,
    ...(SHORT_NAMES[name] ? { shortNames: SHORT_NAMES[name] } : {}),
    ...(name === 'pods' || name === 'deployments' || name === 'services'
      ? { categories: ['all'] }
      : {}),
  };
}

const SUBRESOURCES = {
  '': [
    {
      name: 'pods/log',
      singularName: '',
      namespaced: true,
      kind: 'Pod',
      verbs: ['get'],
    },
    {
      name: 'pods/status',
      singularName: '',
      namespaced: true,
      kind: 'Pod',
      verbs: ['get'],
    },
    {
      name: 'services/proxy',
      singularName: '',
      namespaced: true,
      kind: 'ServiceProxyOptions',
      verbs: ['get'],
    },
  ],
  apps: [
    {
      name: 'deployments/scale',
      singularName: '',
      namespaced: true,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    },
    {
      name: 'deployments/status',
      singularName: '',
      namespaced: true,
      kind: 'Deployment',
      verbs: ['get'],
    },
  ],
};

/** `GET /api/v1` or `/apis/apps/v1`: the resources of one group. */
export function resourceList(group: '' | 'apps') {
  const names = (Object.keys(RESOURCES) as ResourceName[]).filter(
    (name) => RESOURCES[name].group === group,
  );
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/v1` : 'v1',
    resources: [...names.map(resourceEntry), ...SUBRESOURCES[group]],
  };
}

/** Static discovery documents by path. */
export const DISCOVERY: Record<string, unknown> = {
  '/version': {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.4-tars-sim',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-11-01T00:00:00Z',
    goVersion: 'go1.23.8',
    compiler: 'gc',
    platform: 'linux/amd64',
  },
  '/api': {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [
      { clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' },
    ],
  },
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [
      {
        name: 'apps',
        versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
        preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
      },
    ],
  },
  '/api/v1': resourceList(''),
  '/apis/apps/v1': resourceList('apps'),
};
