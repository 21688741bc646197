/**
 * A kubeconfig for the simulator. The server speaks plain HTTP, so the
 * cluster entry sets `insecure-skip-tls-verify`: client-node refuses
 * `http://` servers without it, and kubectl accepts it as is. No TLS means
 * no certificate generator dependency and nothing to trust on the machine.
 */
export function kubeconfigYaml(url: string, namespace = 'tars'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: tars-sim',
    '  cluster:',
    `    server: ${url}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: tars-sim-oncall',
    '  user:',
    '    token: simulated-cluster-token',
    'contexts:',
    '- name: tars-sim',
    '  context:',
    '    cluster: tars-sim',
    '    user: tars-sim-oncall',
    `    namespace: ${namespace}`,
    'current-context: tars-sim',
    'preferences: {}',
    '',
  ].join('\n');
}
