import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { TarsOncallStack } from './tars-oncall-stack.ts';

/**
 * Builds the CDK app with cdk-nag's AwsSolutions and Serverless packs.
 * Unacknowledged findings fail synthesis.
 */
export function buildApp(context: Record<string, unknown> = {}): {
  app: App;
  stack: TarsOncallStack;
} {
  const app = new App({ context });
  const dryRun = app.node.tryGetContext('dryRun');
  const stack = new TarsOncallStack(app, 'TarsOncall', {
    dryRun: dryRun === undefined ? true : String(dryRun) !== 'false',
  });

  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new ServerlessChecks(app),
  );
  return { app, stack };
}

if (import.meta.main) {
  buildApp().app.synth();
}
