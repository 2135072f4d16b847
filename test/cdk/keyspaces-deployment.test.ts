import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CASSFLOW_EVENT_SOURCE } from '#lib/lambda/event-source-defaults';
import { deploymentSchema } from '#lib/pipeline-file/deployment-schema';
import { deploy, EXAMPLES, readNagReport, resourcesFor, statementsOf } from './deployment.ts';

const KS = 'arn:<AWS::Partition>:cassandra:eu-west-1:123456789012:/keyspace';

describe('CassflowStack on Amazon Keyspaces (the example pipelines)', () => {
  const { template, outdir, app } = deploy({ keyspace: 'analytics' }, { nag: true });
  app.synth();

  it('GIVEN the pipelines THEN every table of the deployment schema is a Keyspaces table, on demand with PITR, kept on delete', () => {
    const [schema] = deploymentSchema(EXAMPLES, 'analytics');
    template.resourceCountIs('AWS::Cassandra::Keyspace', 1);
    template.resourceCountIs('AWS::Cassandra::Table', schema?.tables.length ?? -1);
    expect(schema?.tables.length).toBe(12);
    for (const table of schema?.tables ?? []) {
      template.hasResource('AWS::Cassandra::Table', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          KeyspaceName: 'analytics',
          TableName: table.name,
          BillingMode: { Mode: 'ON_DEMAND' },
          PointInTimeRecoveryEnabled: true,
        }),
      });
    }
    // Sync rejects expire: the default TTL also turns TTL on for the table.
    template.hasResourceProperties('AWS::Cassandra::Table', {
      TableName: 'sync_rejects',
      DefaultTimeToLive: 14 * 86_400,
    });
  });

  it('GIVEN each stream pipeline THEN its event-source mapping has cassflow settings and an SQS failure destination', () => {
    const mappings = template.findResources('AWS::Lambda::EventSourceMapping');
    expect(Object.keys(mappings)).toHaveLength(2);
    const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
    for (const mapping of Object.values(mappings)) {
      const p = mapping.Properties;
      expect(p).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: CASSFLOW_EVENT_SOURCE.batchSize,
        MaximumBatchingWindowInSeconds: 1,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        MaximumRecordAgeInSeconds: 86_400,
        ParallelizationFactor: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      const destination = p.DestinationConfig.OnFailure.Destination['Fn::GetAtt'];
      expect(queues).toContain(destination[0]);
      // The mapping starts only after the schema step said the tables take writes.
      const schemaStep = Object.keys(template.findResources('Custom::CassflowSchema'));
      expect(mapping.DependsOn).toEqual(expect.arrayContaining(schemaStep));
    }
    template.resourceCountIs('Custom::CassflowSchema', 1);
  });

  it('GIVEN the functions THEN they run Node.js 22 on arm64 with source maps, a young generation sized to their memory, JSON logs and tracing', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON' },
      });
      // A young generation of a sixteenth of the memory, 16 to 64 MB (64 at 1,024 MB).
      const semiSpace = Math.min(64, Math.max(16, Math.floor(fn.Properties.MemorySize / 16)));
      expect(fn.Properties.Environment.Variables).toMatchObject({
        NODE_OPTIONS: `--enable-source-maps --max-semi-space-size=${semiSpace}`,
        CASSFLOW_STORE: 'keyspaces',
        CASSANDRA_KEYSPACE: 'analytics',
      });
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CASSFLOW_PIPELINE: 'page_views' }) },
      Timeout: 60,
      MemorySize: 1024,
    });
    expect(
      functions
        .filter((fn) => fn.Properties.MemorySize === 1024)
        .map((fn) => fn.Properties.Environment.Variables.NODE_OPTIONS),
    ).toContain('--enable-source-maps --max-semi-space-size=64');
  });

  it('GIVEN the aggregation THEN it may write exactly its own tables and the dead letters, and read only those it reads', () => {
    const statements = statementsOf(template, 'Pipelinepageviews');
    const table = (t: string) => `${KS}/analytics/table/${t}`;
    const read = ['page_views_open_windows', 'page_views_watermarks', 'page_views_windows'];
    const insertOnly = [
      'dead_letters_by_hour',
      'page_views_closed_windows',
      'page_views_late_events',
    ];
    expect(resourcesFor(statements, 'cassandra:Modify')).toEqual(
      [...read, ...insertOnly].map(table).sort(),
    );
    expect(resourcesFor(statements, 'cassandra:Select')).toEqual(
      [...read.map(table), `${KS}/system*`].sort(),
    );
    const stream = resourcesFor(statements, 'kinesis:GetRecords');
    expect(stream).toHaveLength(1);
    expect(stream[0]).toMatch(/^<StreampageviewsStream\w+\.Arn>$/);
    // Nothing else is allowed on every resource but X-Ray's calls, which have no resource level.
    const anywhere = statements.filter((s) => [s.Resource].flat().includes('*'));
    expect(anywhere.flatMap((s) => [s.Action].flat()).every((a) => a.startsWith('xray:'))).toBe(
      true,
    );
  });

  it("GIVEN the S3 sync job (closed windows) THEN it reads the windows, their close index and the closer's cursor, keeps its checkpoints, inserts its rejects and puts objects only under its prefix", () => {
    const statements = statementsOf(template, 'Syncpageviewstos3');
    expect(resourcesFor(statements, 'cassandra:Modify')).toEqual([
      `${KS}/analytics/table/sync_leases`,
      `${KS}/analytics/table/sync_passes`,
      `${KS}/analytics/table/sync_ranges`,
      `${KS}/analytics/table/sync_rejects`,
    ]);
    expect(resourcesFor(statements, 'cassandra:Select')).toEqual(
      [
        `${KS}/analytics/table/page_views_closed_windows`,
        `${KS}/analytics/table/page_views_watermarks`,
        `${KS}/analytics/table/page_views_windows`,
        `${KS}/analytics/table/sync_leases`,
        `${KS}/analytics/table/sync_passes`,
        `${KS}/analytics/table/sync_ranges`,
        `${KS}/system*`,
      ].sort(),
    );
    expect(resourcesFor(statements, 's3:PutObject')).toEqual([
      expect.stringMatching(/^<Syncpageviewstos3TargetBucket\w+\.Arn>\/page_views\/\*$/),
    ]);
    expect(statements.flatMap((s) => [s.Action].flat())).not.toContain('s3:*');
  });

  it('GIVEN a full sync of the aggregation THEN it reads the windows table and no other pipeline table', () => {
    const fullSync = EXAMPLES.map((p) =>
      p.kind === 'aggregation'
        ? { ...p, sync: p.sync.map((j) => ({ ...j, mode: 'full' as const })) }
        : p,
    );
    const full = deploy({ keyspace: 'analytics', pipelines: fullSync });
    const statements = statementsOf(full.template, 'Syncpageviewstos3');
    expect(resourcesFor(statements, 'cassandra:Select')).toEqual(
      [
        `${KS}/analytics/table/page_views_windows`,
        `${KS}/analytics/table/sync_leases`,
        `${KS}/analytics/table/sync_passes`,
        `${KS}/analytics/table/sync_ranges`,
        `${KS}/system*`,
      ].sort(),
    );
  });

  it("GIVEN the aggregation THEN EventBridge invokes its function on the pipeline's tick, whether or not records arrive", () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const [aggregation] = Object.entries(functions).find(([id]) =>
      id.startsWith('Pipelinepageviews'),
    ) ?? [''];
    const ticks = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (rule) => rule.Properties.ScheduleExpression === 'rate(1 minute)',
    );
    expect(ticks).toHaveLength(1);
    expect(ticks[0]?.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [aggregation, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0 },
      }),
    ]);
    // The tick reads the stream (its idle check) with what the event source was granted.
    const actions = statementsOf(template, 'Pipelinepageviews').flatMap((s) => s.Action);
    for (const action of ['kinesis:ListShards', 'kinesis:GetShardIterator', 'kinesis:GetRecords']) {
      expect(actions).toContain(action);
    }
  });

  it('GIVEN the sync jobs THEN EventBridge runs them on their schedules, one run at a time', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 * * * ? *)',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          CASSFLOW_SYNC_JOB: 'page-views-to-s3',
          CASSFLOW_SCHEMA_MANAGED: 'true',
          CASSFLOW_SYNC_TARGET_NAME: {
            Ref: Match.stringLikeRegexp('^Syncpageviewstos3TargetBucket'),
          },
        }),
      },
      ReservedConcurrentExecutions: Match.absent(),
      Timeout: 900,
    });
  });

  it('GIVEN syncReservedConcurrency THEN each sync function reserves it; without it, none does (runs take a lease instead)', () => {
    const reserved = deploy({ keyspace: 'analytics', syncReservedConcurrency: 1 });
    const sync = (t: typeof template) =>
      Object.entries(t.findResources('AWS::Lambda::Function'))
        .filter(([id]) => id.startsWith('Sync'))
        .map(([, f]) => f.Properties.ReservedConcurrentExecutions);
    expect(sync(reserved.template).length).toBeGreaterThan(0);
    expect(sync(reserved.template).every((r) => r === 1)).toBe(true);
    expect(sync(template).every((r) => r === undefined)).toBe(true);
  });

  it('GIVEN the S3 target THEN the bucket is encrypted, TLS-only and closed to the public', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('GIVEN the PostgreSQL target without a secret THEN the stack makes one for the URL and only its job reads it', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const [secretId] = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
    const statements = statementsOf(template, 'Syncpageviewlogtopostgres');
    expect(resourcesFor(statements, 'secretsmanager:GetSecretValue')).toEqual([`<${secretId}>`]);
    expect(
      resourcesFor(statementsOf(template, 'Pipelinepageviews'), 'secretsmanager:GetSecretValue'),
    ).toEqual([]);
  });

  it('GIVEN the pipelines THEN the alarms watch iterator age, failures, errors, throttles, dead letters, late events, CAS retries and sync rejects', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    // 7 for the aggregation, 5 for the sink, 2 per sync job (failed runs, rejected rows).
    expect(alarms).toHaveLength(16);
    const rejects = alarms.filter((a) => a.Properties.MetricName === 'RowsRejected');
    expect(rejects.map((a) => a.Properties.Dimensions[0].Value).sort()).toEqual(
      EXAMPLES.flatMap((p) => p.sync.map((j) => j.name)).sort(),
    );
    expect(rejects.every((a) => a.Properties.Threshold === 0)).toBe(true);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Threshold: 300_000,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 0,
    });
    for (const metric of ['Errors', 'Throttles']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: metric });
    }
    for (const metric of ['DeadLettered', 'LateEvents']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: 'cassflow',
        Dimensions: [{ Name: 'service', Value: 'page_views' }],
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 10,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(written > 0, 100 * retries / written, 0)' }),
      ]),
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('GIVEN the stream THEN it is encrypted with KMS and shared by the pipelines that read it', () => {
    template.resourceCountIs('AWS::Kinesis::Stream', 1);
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      Name: 'page-views',
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
  });

  it('GIVEN cdk-nag AwsSolutions THEN nothing is unsuppressed and every suppression has a reason', () => {
    const [report] = readNagReport(outdir).pluginReports;
    expect(report?.violations).toEqual([]);
    expect(report?.conclusion).toBe('success');
    for (const s of report?.suppressedViolations ?? []) expect(s.reason.length).toBeGreaterThan(30);
  });
});
