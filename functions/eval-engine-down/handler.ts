import { createKubeClient } from '#shared/kube/client.ts';
import { createPlaybookHandler } from '#shared/playbook/handler.ts';
import { buildDeps } from './deps.ts';
import { evalEngineDown } from './playbook.ts';

/**
 * The EvalEngineDown Lambda: SNS alert in, playbook run, incident
 * recorded. The Kubernetes client is built once per container, on the
 * first event (kubeconfig from `KUBECONFIG`; in-cluster or EKS otherwise).
 */
export const handler = createPlaybookHandler({
  playbook: evalEngineDown,
  deps: () => buildDeps(createKubeClient()),
});
