import { createHash } from 'node:crypto';
import { CustomResource, Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { KeyspaceSchema } from '#lib/pipeline-file/deployment-schema';
import { cassflowFunction } from './cassflow-function.ts';
import type { StateStore } from './state-store.ts';

export type SchemaReadyProps = {
  /** The schema entry of writeHandlerEntries. */
  entry: string;
  store: StateStore;
  schema: readonly KeyspaceSchema[];
};

/**
 * The schema step every event-source mapping waits for: a custom resource whose function waits
 * until each Keyspaces table is ACTIVE (CloudFormation may finish before Keyspaces takes writes),
 * or creates the tables in a self-managed Cassandra. It runs again whenever the schema changes.
 */
export class SchemaReady extends Construct {
  readonly function: IFunction;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: SchemaReadyProps) {
    super(scope, id);
    this.function = cassflowFunction(this, 'Function', {
      entry: props.entry,
      description: 'cassflow schema step: tables ready before the stream functions write',
      store: props.store,
      timeout: Duration.minutes(15),
      memorySize: 256,
    });
    for (const { keyspace, tables } of props.schema) {
      const names = tables.map((t) => t.name);
      // Waiting needs GetTable (cassandra:Select); creating needs the cluster's credentials.
      props.store.grantTables(this.function, keyspace, names, 'read');
    }
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::CassflowSchema',
      properties: {
        Fingerprint: createHash('sha256').update(JSON.stringify(props.schema)).digest('hex'),
      },
    });
    for (const dependable of props.store.dependables) this.resource.node.addDependency(dependable);
  }
}
