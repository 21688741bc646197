import type { PlaybookContext } from '#shared/playbook/types.ts';
import type { PodClassification } from '../classify.ts';
import type { EvalEngineDeps } from '../deps.ts';
import { readPodState } from '../diagnose.ts';
import type { Dependency } from '../logs.ts';

type Ctx = PlaybookContext<EvalEngineDeps>;

export interface DependencyHealth {
  dependency: Dependency;
  name: string;
  healthy: boolean;
  pods: Pick<PodClassification, 'pod' | 'fault' | 'reason'>[];
  readyEndpoints: number;
}

/**
 * `check-dependency`: the blamed dependency's pods and endpoints. Either
 * way the playbook escalates: restarting the engine cannot fix its
 * database, and a healthy database means the error needs a person.
 */
export function checkDependency(
  ctx: Ctx,
  dependency: Dependency,
): Promise<DependencyHealth> {
  const name = ctx.deps.dependencies[dependency];
  const namespace = ctx.target.namespace;
  return ctx.diagnose(
    'check-dependency',
    () => readDependency(ctx, dependency, name),
    { target: `${namespace}/deployment/${name}` },
  );
}

async function readDependency(
  ctx: Ctx,
  dependency: Dependency,
  name: string,
): Promise<DependencyHealth> {
  const { cluster } = ctx.deps;
  const namespace = ctx.target.namespace;
  const target = { ...ctx.target, deployment: name, selector: `app=${name}` };
  const [state, endpoints] = await Promise.all([
    readPodState(cluster, target, ctx.deps.clock()),
    cluster.readEndpoints({ namespace, name }),
  ]);
  const readyEndpoints = (endpoints?.subsets ?? []).reduce(
    (sum, subset) => sum + (subset.addresses?.length ?? 0),
    0,
  );

  return {
    dependency,
    name,
    healthy: state.fault === 'healthy' && readyEndpoints > 0,
    pods: state.pods.map(({ pod, fault, reason }) => ({ pod, fault, reason })),
    readyEndpoints,
  };
}
