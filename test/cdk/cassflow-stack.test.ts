import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CORE_TABLES } from '#lib/store/schema/core-tables';
import { CassflowStack } from '../../cdk/cassflow-stack.ts';

function synth() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new CassflowStack(app, 'Test', { keyspaceName: 'analytics', shardCount: 2 });
  return Template.fromStack(stack);
}

describe('CassflowStack', () => {
  const template = synth();

  it('GIVEN the stack WHEN synthesized THEN it has an encrypted source stream', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 2,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
  });

  it('GIVEN the core table descriptions THEN each becomes a Keyspaces table with the same columns', () => {
    template.resourceCountIs('AWS::Cassandra::Keyspace', 1);
    template.hasResourceProperties('AWS::Cassandra::Keyspace', { KeyspaceName: 'analytics' });
    template.resourceCountIs('AWS::Cassandra::Table', CORE_TABLES.length);
    for (const spec of CORE_TABLES) {
      template.hasResourceProperties('AWS::Cassandra::Table', {
        KeyspaceName: 'analytics',
        TableName: spec.name,
        PartitionKeyColumns: spec.partitionKey.map((c) => ({
          ColumnName: c.name,
          ColumnType: c.type,
        })),
        ClusteringKeyColumns: spec.clusteringKey.map((c) => ({
          Column: { ColumnName: c.name, ColumnType: c.type },
          OrderBy: c.order,
        })),
        RegularColumns: Match.arrayWith(
          spec.columns.map((c) => ({ ColumnName: c.name, ColumnType: c.type })),
        ),
        BillingMode: { Mode: 'ON_DEMAND' },
        PointInTimeRecoveryEnabled: true,
      });
    }
  });

  it('GIVEN a stack deletion THEN the state is retained and tables wait for their keyspace', () => {
    const tables = template.findResources('AWS::Cassandra::Table');
    for (const table of Object.values(tables)) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.DependsOn).toHaveLength(1);
    }
  });
});
