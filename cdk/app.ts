import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadPipelineFile } from '#lib/pipeline-file/load-pipeline-file';
import { type AppSettings, readAppSettings } from './app-context.ts';
import { CassflowStack, type StoreChoice } from './cassflow-stack.ts';
import { suppressReviewedFindings } from './nag-suppressions.ts';

/**
 * `cdk synth` / `cdk deploy`: one stack for the pipelines of one file (cassflow:pipelines, by
 * default examples/index.ts), checked with cdk-nag's AWS Solutions rules. Settings are context
 * values `cassflow:<name>` (docs/deploying.md).
 */
const app = new App();
const settings = readAppSettings((name) => app.node.tryGetContext(name));
const { pipelines } = await loadPipelineFile(settings.pipelineFile);

const stack = new CassflowStack(app, settings.stackName, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  pipelineFile: settings.pipelineFile,
  pipelines,
  keyspace: settings.keyspace,
  store: storeOf(settings),
  ...(settings.shards
    ? {
        streams: Object.fromEntries(
          pipelines.map((p) => [p.stream, { capacity: { shards: settings.shards as number } }]),
        ),
      }
    : {}),
  ...(settings.alarmTopicArn ? { alarmTopicArn: settings.alarmTopicArn } : {}),
  ...(settings.postgresSecretArn ? { postgresSecretArn: settings.postgresSecretArn } : {}),
  ...(settings.syncReservedConcurrency
    ? { syncReservedConcurrency: settings.syncReservedConcurrency }
    : {}),
});
suppressReviewedFindings(stack);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

function storeOf({ cassandra }: AppSettings): StoreChoice {
  if (!cassandra) return { kind: 'keyspaces' };
  const { vpcId, ...rest } = cassandra;
  return { kind: 'cassandra', vpc: vpcId, ...rest };
}
app.synth();
