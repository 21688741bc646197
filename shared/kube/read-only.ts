import { DryRunWriteError } from './errors.ts';
import type { Cluster, NamedArgs } from './types.ts';

/**
 * The cluster with every write refused: dry-run must not change anything
 * even if a playbook bug reaches a write. Reads (and the rollout wait,
 * built on reads) pass through.
 *
 * @example
 * const cluster = dryRun ? readOnlyCluster(client) : client;
 */
export function readOnlyCluster(cluster: Cluster): Cluster {
  return {
    ...cluster,
    patchDeployment: (args) => refuse('patchDeployment', args),
    restartDeployment: (args) => refuse('restartDeployment', args),
  };
}

function refuse(call: string, args: NamedArgs): Promise<never> {
  const write = `${call} ${args.namespace}/${args.name}`;
  return Promise.reject(new DryRunWriteError(write));
}
