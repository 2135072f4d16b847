import { Match } from 'aws-cdk-lib/assertions';
import { count, definePipeline, defineSink, tumbling } from 'cassflow';
import { describe, expect, it } from 'vitest';
import { ParallelizationError } from '#lib/lambda/event-source-defaults';
import { deploy, resourcesFor, statementsOf } from './deployment.ts';

const CLICKS = {
  name: 'clicks',
  source: { stream: 'clicks' },
  key: 'page',
  time: 'ts',
  windows: [tumbling('1h')],
  aggregates: { views: count() },
  retention: '30d',
  sync: [{ name: 'clicks-to-ddb', target: { kind: 'dynamodb', table: 'click_counts' } }],
} as const;
const clicks = definePipeline(CLICKS);

const clickLog = defineSink({
  name: 'click_log',
  source: { stream: 'clicks' },
  table: 'click_log',
  columns: { page: { from: 'page', type: 'text' }, ts: { from: 'ts', type: 'timestamp' } },
  primaryKey: { partition: ['page'], clustering: ['ts'] },
  retention: '7d',
});

describe('CassflowStack options', () => {
  it('GIVEN an aggregation with a parallelization factor above 1 THEN synth fails naming the pipeline and the rule', () => {
    expect(() =>
      deploy({ pipelines: [clicks], eventSources: { clicks: { parallelizationFactor: 2 } } }),
    ).toThrow(ParallelizationError);
    expect(() =>
      deploy({ pipelines: [clicks], eventSources: { clicks: { parallelizationFactor: 2 } } }),
    ).toThrow(/pipeline clicks: a parallelization factor of 2 is not allowed for an aggregation/);
  });

  it('GIVEN a one-letter aggregate THEN synth on Keyspaces fails naming the table and column', () => {
    const short = definePipeline({ ...CLICKS, name: 'short', aggregates: { n: count() } });
    expect(() => deploy({ pipelines: [short] })).toThrow(
      /table short_windows: 'n' cannot be deployed to Keyspaces with CloudFormation/,
    );
  });

  it('GIVEN a sink with factor 4 THEN the mapping uses it; with 11 THEN synth fails', () => {
    const { template } = deploy({
      pipelines: [clickLog],
      eventSources: { click_log: { parallelizationFactor: 4 } },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ParallelizationFactor: 4 });
    expect(() =>
      deploy({ pipelines: [clickLog], eventSources: { click_log: { parallelizationFactor: 11 } } }),
    ).toThrow(ParallelizationError);
  });

  it('GIVEN retention THEN results, late events and sink rows get a TTL, live state does not', () => {
    const { template } = deploy({ pipelines: [clicks, clickLog] });
    const ttl = (name: string) =>
      Object.values(template.findResources('AWS::Cassandra::Table')).find(
        (t) => t.Properties.TableName === name,
      )?.Properties.DefaultTimeToLive;
    expect(ttl('clicks_windows')).toBe(30 * 86_400);
    expect(ttl('clicks_closed_windows')).toBe(30 * 86_400);
    expect(ttl('clicks_late_events')).toBe(30 * 86_400);
    expect(ttl('clicks_open_windows')).toBeUndefined();
    expect(ttl('clicks_watermarks')).toBeUndefined();
    expect(ttl('click_log')).toBe(7 * 86_400);
  });

  it('GIVEN a DynamoDB sync target THEN the table is made (pk/sk, on demand, PITR, encrypted) and only BatchWriteItem/PutItem/DescribeTable are allowed on it', () => {
    const { template } = deploy({ pipelines: [clicks] });
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        TableName: 'click_counts',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      }),
    });
    const [tableId] = Object.keys(template.findResources('AWS::DynamoDB::Table'));
    const statements = statementsOf(template, 'Syncclickstoddb');
    for (const action of [
      'dynamodb:BatchWriteItem',
      'dynamodb:PutItem',
      'dynamodb:DescribeTable',
    ]) {
      expect(resourcesFor(statements, action)).toEqual([`<${tableId}.Arn>`]);
    }
    const dynamoActions = statements
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.startsWith('dynamodb:'));
    expect(dynamoActions.sort()).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:DescribeTable',
      'dynamodb:PutItem',
    ]);
  });

  it('GIVEN an alarm topic and provisioned shards THEN alarms notify it and the stream has the shards', () => {
    const topic = 'arn:aws:sns:eu-west-1:123456789012:oncall';
    const { template } = deploy({
      pipelines: [clicks],
      alarmTopicArn: topic,
      streams: { clicks: { capacity: { shards: 4 } } },
    });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    // 7 for the aggregation, 2 for its sync job: each of them notifies the topic.
    expect(alarms.length).toBe(9);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topic]);
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 4,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
    });
  });
});
