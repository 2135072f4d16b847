import { App } from 'aws-cdk-lib';
import { CassflowStack } from './cassflow-stack.ts';

const app = new App();
new CassflowStack(app, 'Cassflow', {
  keyspaceName: app.node.tryGetContext('keyspace') ?? 'cassflow',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
