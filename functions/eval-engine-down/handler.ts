import { config } from '#shared/config.ts';
import { createKubeClient } from '#shared/kube/client.ts';
import { readOnlyCluster } from '#shared/kube/read-only.ts';
import { createPlaybookHandler } from '#shared/playbook/handler.ts';
import { buildDeps } from './deps.ts';
import { evalEngineDown } from './playbook.ts';

/**
 * The EvalEngineDown Lambda: SNS alert in, playbook run, incident
 * recorded. The Kubernetes client is built once per container, on the
 * first event (kubeconfig from `KUBECONFIG`; in-cluster or EKS otherwise).
 * In dry-run the client refuses writes, whatever the playbook does.
 */
export const handler = createPlaybookHandler({
  playbook: evalEngineDown,
  deps: () => buildDeps(clusterClient()),
});

function clusterClient() {
  const client = createKubeClient();
  return config().DRY_RUN ? readOnlyCluster(client) : client;
}
