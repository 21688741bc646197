import { writeFile } from 'node:fs/promises';
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '#shared/logger.ts';
import { getObject, selectObjects } from './api.ts';
import type { SimulatedCluster } from './cluster.ts';
import { DISCOVERY } from './discovery.ts';
import { ApiStatusError } from './errors.ts';
import { kubeconfigYaml } from './kubeconfig.ts';
import { proxyToService } from './proxy.ts';
import {
  type ApiPath,
  findRoute,
  parseApiPath,
  type RouteResult,
  shapeOf,
} from './routes.ts';
import { toTable, wantsTable } from './table.ts';
import { streamWatch } from './watch.ts';

export interface ClusterServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Also write the kubeconfig to this file. */
  kubeconfigPath?: string;
  /** Service name to a base URL the service proxy forwards to. */
  proxyTargets?: Record<string, string>;
}

export interface ClusterServer {
  url: string;
  kubeconfigYaml: string;
  kubeconfigPath?: string;
  close(): Promise<void>;
}

function statusBody(error: ApiStatusError) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: error.message,
    reason: error.reason,
    ...(error.details ? { details: error.details } : {}),
    code: error.code,
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function send(res: ServerResponse, result: RouteResult): void {
  if (result.kind === 'json') {
    sendJson(res, result.status, result.body);
    return;
  }
  res.writeHead(result.status, { 'Content-Type': 'text/plain' });
  res.end(result.body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const NOT_FOUND = new ApiStatusError(
  404,
  'NotFound',
  'the server could not find the requested resource',
);

interface Context {
  cluster: SimulatedCluster;
  options: ClusterServerOptions;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
}

async function proxy(ctx: Context, path: ApiPath): Promise<void> {
  const reply = await proxyToService(
    ctx.cluster,
    path.namespace ?? '',
    path.name ?? '',
    path.rest,
    ctx.options.proxyTargets ?? {},
  );
  ctx.res.writeHead(reply.status, { 'Content-Type': reply.contentType });
  ctx.res.end(reply.body);
}

function isWatch(method: string, path: ApiPath, query: URLSearchParams) {
  const watch = ['true', '1'].includes(query.get('watch') ?? '');
  return method === 'GET' && shapeOf(path) === 'collection' && watch;
}

function watch(ctx: Context, path: ApiPath): void {
  const query = ctx.url.searchParams;
  const request = {
    resource: path.resource,
    namespace: path.namespace,
    labelSelector: query.get('labelSelector'),
    fieldSelector: query.get('fieldSelector'),
    resourceVersion: query.get('resourceVersion'),
    timeoutSeconds: Number(query.get('timeoutSeconds')) || null,
  };
  streamWatch(ctx.cluster, request, ctx.res);
}

const NOT_ALLOWED = new ApiStatusError(
  405,
  'MethodNotAllowed',
  'the server does not allow this method on the requested resource',
);

async function handleApi(ctx: Context, path: ApiPath): Promise<void> {
  const method = ctx.req.method ?? 'GET';
  const query = ctx.url.searchParams;
  if (path.resource === 'services' && path.subresource === 'proxy') {
    return proxy(ctx, path);
  }
  if (isWatch(method, path, query)) return watch(ctx, path);
  const table = method === 'GET' && wantsTable(ctx.req.headers.accept);
  if (table) {
    const body = tableFor(ctx.cluster, path, query);
    if (body) return sendJson(ctx.res, 200, body);
  }
  const route = findRoute(method, path);
  if (!route) throw NOT_ALLOWED;

  const body = method === 'GET' ? '' : await readBody(ctx.req);
  const write = {
    namespace: path.namespace ?? '',
    name: path.name ?? '',
    contentType: ctx.req.headers['content-type'],
    body,
    dryRun: query.getAll('dryRun').includes('All'),
  };
  send(ctx.res, route.handle(ctx.cluster, { method, path, query, write }));
}

function tableFor(
  cluster: SimulatedCluster,
  path: ApiPath,
  query: URLSearchParams,
) {
  const shape = shapeOf(path);
  if (shape !== 'collection' && shape !== 'object') return null;
  const objects =
    shape === 'object'
      ? [
          getObject(
            cluster,
            path.resource,
            path.namespace ?? '',
            path.name ?? '',
          ),
        ]
      : selectObjects(cluster, path.resource, path.namespace, {
          labelSelector: query.get('labelSelector'),
          fieldSelector: query.get('fieldSelector'),
        });
  const version = String(cluster.context.store.resourceVersion());
  return toTable(
    path.resource,
    objects,
    cluster.now(),
    query.get('includeObject'),
    version,
  );
}

async function route(ctx: Context): Promise<void> {
  const pathname = ctx.url.pathname.replace(/\/$/, '') || '/';
  const document = DISCOVERY[pathname];
  if (ctx.req.method === 'GET' && document)
    return sendJson(ctx.res, 200, document);
  const path = parseApiPath(pathname);
  if (!path) throw NOT_FOUND;
  await handleApi(ctx, path);
}

async function handle(ctx: Context): Promise<void> {
  try {
    await route(ctx);
  } catch (error) {
    if (ctx.res.headersSent) return void ctx.res.end();
    if (error instanceof ApiStatusError)
      return sendJson(ctx.res, error.code, statusBody(error));
    logger.error('simulated api request failed', {
      error,
      path: ctx.url.pathname,
    });
    sendJson(
      ctx.res,
      500,
      statusBody(
        new ApiStatusError(
          500,
          'InternalError',
          'an error on the server prevented the request from succeeding',
          { cause: error },
        ),
      ),
    );
  }
}

function recordOnFinish(ctx: Context): void {
  ctx.res.on('finish', () => {
    ctx.cluster.recordRequest({
      method: ctx.req.method ?? 'GET',
      path: `${ctx.url.pathname}${ctx.url.search}`,
      status: ctx.res.statusCode,
      dryRun: ctx.url.searchParams.getAll('dryRun').includes('All'),
    });
  });
}

/**
 * Serves the simulated cluster over the Kubernetes HTTP API (plain HTTP;
 * see `kubeconfig.ts`), for client-node and kubectl alike.
 */
export async function startClusterServer(
  cluster: SimulatedCluster,
  options: ClusterServerOptions = {},
): Promise<ClusterServer> {
  const server = createServer((req, res) => {
    const ctx = {
      cluster,
      options,
      req,
      res,
      url: new URL(req.url ?? '/', 'http://sim'),
    };
    recordOnFinish(ctx);
    void handle(ctx);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, host, resolve),
  );
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  const yaml = kubeconfigYaml(url);
  if (options.kubeconfigPath)
    await writeFile(options.kubeconfigPath, yaml, 'utf8');
  return {
    url,
    kubeconfigYaml: yaml,
    ...(options.kubeconfigPath
      ? { kubeconfigPath: options.kubeconfigPath }
      : {}),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
