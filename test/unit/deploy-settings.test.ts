import { readFileSync } from 'node:fs';
import { count, definePipeline, defineSink, sliding, tumbling } from 'cassflow';
import { describe, expect, it } from 'vitest';
import { PipelineSpecError } from '#lib/pipeline/errors';
import { tablesOf } from '#lib/store/pipeline-tables';
import { createTableCql } from '#lib/store/schema/ddl';
import { AppContextError, readAppSettings } from '../../cdk/app-context.ts';
import { writeHandlerEntries } from '../../cdk/bundling/handler-entries.ts';

const context = (values: Record<string, string>) => (name: string) => values[name];
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:c-AbCdEf';

describe('readAppSettings (cdk context)', () => {
  it('GIVEN nothing THEN the example file on Keyspaces, keyspace cassflow, on-demand streams', () => {
    expect(readAppSettings(context({}))).toEqual({
      pipelineFile: 'examples/index.ts',
      stackName: 'Cassflow',
      keyspace: 'cassflow',
      store: 'keyspaces',
    });
  });

  it('GIVEN a self-managed Cassandra THEN its contact points, data center, secret and VPC are read', () => {
    const settings = readAppSettings(
      context({
        'cassflow:store': 'cassandra',
        'cassflow:contactPoints': '10.0.0.1, 10.0.0.2',
        'cassflow:localDataCenter': 'dc1',
        'cassflow:cassandraSecretArn': SECRET,
        'cassflow:vpcId': 'vpc-123',
        'cassflow:subnetIds': 'subnet-a,subnet-b',
        'cassflow:shards': '4',
      }),
    );
    expect(settings.cassandra).toEqual({
      contactPoints: ['10.0.0.1', '10.0.0.2'],
      localDataCenter: 'dc1',
      port: 9042,
      credentialsSecretArn: SECRET,
      vpcId: 'vpc-123',
      subnetIds: ['subnet-a', 'subnet-b'],
    });
    expect(settings.shards).toBe(4);
  });

  it('GIVEN syncReservedConcurrency THEN it is read as a count; a bad one names the setting', () => {
    expect(
      readAppSettings(context({ 'cassflow:syncReservedConcurrency': '1' })).syncReservedConcurrency,
    ).toBe(1);
    expect(() => readAppSettings(context({ 'cassflow:syncReservedConcurrency': '0' }))).toThrow(
      /cassflow:syncReservedConcurrency: must be a whole number of executions \(1 or more\), got '0'/,
    );
  });

  it.each([
    [{ 'cassflow:store': 'mongo' }, /cassflow:store: must be keyspaces or cassandra, got 'mongo'/],
    [
      { 'cassflow:store': 'cassandra' },
      /cassflow:contactPoints: is required with cassflow:store=cassandra/,
    ],
    [
      {
        'cassflow:store': 'cassandra',
        'cassflow:contactPoints': 'h',
        'cassflow:localDataCenter': 'dc1',
        'cassflow:cassandraSecretArn': 'my-secret',
        'cassflow:vpcId': 'vpc-1',
      },
      /cassflow:cassandraSecretArn: must be the full ARN/,
    ],
    [{ 'cassflow:shards': '0' }, /cassflow:shards: must be a whole number of shards, got '0'/],
    [{ 'cassflow:keyspace': 'bad-name' }, /cassflow:keyspace: 'bad-name' is not a keyspace name/],
  ])('GIVEN %j THEN an error names the setting', (values, message) => {
    expect(() => readAppSettings(context(values))).toThrow(AppContextError);
    expect(() => readAppSettings(context(values))).toThrow(message);
  });
});

describe('retention', () => {
  const base = {
    name: 'r',
    source: { stream: 's' },
    key: 'k',
    time: 't',
    windows: [tumbling('1h'), sliding('1d', '1h')],
    aggregates: { views: count() },
    lateness: { allowed: '1h' },
  };

  it('GIVEN retention THEN windows, closed windows and late events get the TTL in CQL too', () => {
    const pipeline = definePipeline({ ...base, retention: '90d' });
    const cql = tablesOf(pipeline).map((t) => createTableCql('ks', t));
    expect(cql.filter((c) => c.includes('default_time_to_live = 7776000'))).toHaveLength(3);
    expect(cql.find((c) => c.includes('r_open_windows'))).not.toContain('default_time_to_live');
  });

  it('GIVEN retention shorter than a window and its lateness THEN the definition is refused', () => {
    expect(() => definePipeline({ ...base, retention: '1d' })).toThrow(PipelineSpecError);
    expect(() => definePipeline({ ...base, retention: '1d' })).toThrow(
      /retention: 86400s would expire rows still being written; .* \(90000s\)/,
    );
  });

  it('GIVEN a sink with retention THEN its table has the TTL; over 20 years THEN refused', () => {
    const sink = {
      name: 'l',
      source: { stream: 's' },
      table: 'l',
      columns: { k: { from: 'k', type: 'text' as const } },
      primaryKey: { partition: ['k'] },
    };
    expect(tablesOf(defineSink({ ...sink, retention: '7d' }))[0]?.ttlSeconds).toBe(604_800);
    expect(() => defineSink({ ...sink, retention: '7301d' })).toThrow(/at most 20 years/);
  });
});

describe('writeHandlerEntries', () => {
  it('GIVEN a pipeline file THEN each function kind gets an entry importing it and its factory', () => {
    const entries = writeHandlerEntries('examples/index.ts');
    expect(Object.keys(entries).sort()).toEqual(['aggregate', 'schema', 'sink', 'sync']);
    const sync = readFileSync(entries.sync, 'utf8');
    expect(sync).toMatch(/import \* as definitions from ".*\/examples\/index\.ts";/);
    expect(sync).toContain(
      'export const handler = syncFunction(pipelines, await withSecrets(process.env));',
    );
  });
});
