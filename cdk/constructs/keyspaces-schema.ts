import { RemovalPolicy } from 'aws-cdk-lib';
import { CfnKeyspace, CfnTable } from 'aws-cdk-lib/aws-cassandra';
import { Construct } from 'constructs';
import type { TableSpec } from '#lib/store/schema/table-spec';

export type KeyspacesSchemaProps = {
  keyspaceName: string;
  /** The same table descriptions `cassflow schema apply` turns into CQL. */
  tables: readonly TableSpec[];
  /** Keep the data when the stack is deleted (default). */
  removalPolicy?: RemovalPolicy;
};

/**
 * An Amazon Keyspaces keyspace and its tables, on-demand, with point-in-time recovery and a
 * pipeline's retention as the TTL, built from cassflow's table descriptions so the deployed
 * schema and the CQL schema cannot drift.
 */
export class KeyspacesSchema extends Construct {
  readonly keyspace: CfnKeyspace;
  readonly tables: ReadonlyMap<string, CfnTable>;

  constructor(scope: Construct, id: string, props: KeyspacesSchemaProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.keyspace = new CfnKeyspace(this, 'Keyspace', { keyspaceName: props.keyspaceName });
    this.keyspace.applyRemovalPolicy(removalPolicy);
    const tables = new Map<string, CfnTable>();
    for (const spec of props.tables) {
      checkCloudFormationNames(spec);
      const table = new CfnTable(this, `Table-${spec.name}`, {
        keyspaceName: props.keyspaceName,
        tableName: spec.name,
        partitionKeyColumns: spec.partitionKey.map(toColumn),
        clusteringKeyColumns: spec.clusteringKey.map((c) => ({
          column: toColumn(c),
          orderBy: c.order,
        })),
        regularColumns: spec.columns.map(toColumn),
        billingMode: { mode: 'ON_DEMAND' },
        pointInTimeRecoveryEnabled: true,
        // A default TTL also turns on the table's TTL feature (which cannot be turned off).
        ...(spec.ttlSeconds ? { defaultTimeToLive: spec.ttlSeconds } : {}),
      });
      table.addResourceDependency(this.keyspace);
      table.applyRemovalPolicy(removalPolicy);
      tables.set(spec.name, table);
    }
    this.tables = tables;
  }
}

function toColumn(column: { name: string; type: string }) {
  return { columnName: column.name, columnType: column.type };
}

/** AWS::Cassandra::Table's pattern for table and column names: 2 to 48 characters. */
const CFN_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_]{1,47}$/;

function checkCloudFormationNames(spec: TableSpec): void {
  const names = [
    spec.name,
    ...[...spec.partitionKey, ...spec.clusteringKey, ...spec.columns].map((c) => c.name),
  ];
  const bad = names.find((name) => !CFN_NAME.test(name));
  if (bad !== undefined) {
    throw new Error(
      `table ${spec.name}: '${bad}' cannot be deployed to Keyspaces with CloudFormation, which ` +
        'takes table and column names of 2 to 48 letters, digits and _ (rename the aggregate or column)',
    );
  }
}
