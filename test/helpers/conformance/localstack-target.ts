import { readFileSync } from 'node:fs';
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteEventSourceMappingCommand,
  DeleteFunctionCommand,
  GetEventSourceMappingCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { FailureRecord } from '#lib/emulator/event-source/on-failure';
import { deleteStream, ensureStream } from '#lib/kinesis/streams';
import { putJson } from '../event-source-harness.ts';
import type { ConformanceTarget, MappingSettings, ProbeEntry, ProbeMapping } from './target.ts';
import { zipOneFile } from './zip-one-file.ts';

const PROBE = new URL('./probe-function.mjs', import.meta.url);

/** One probe function with its log bucket, failure queue and event-source mapping. */
type Deployed = { functionName: string; bucket: string; queueUrl: string; mappingId: string };

/**
 * The suite against LocalStack (or anything that speaks the AWS APIs at `endpoint`): the probe is
 * deployed as a real Lambda function, logs to S3, and its on-failure destination is an SQS queue.
 */
export async function localstackTarget(endpoint: string): Promise<ConformanceTarget> {
  const common = {
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const kinesis = new KinesisClient(common);
  const lambda = new LambdaClient(common);
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const sqs = new SQSClient(common);
  const run = Date.now().toString(36);
  const code = zipOneFile('index.mjs', readFileSync(PROBE));
  const streams: string[] = [];
  const deployed = new Map<string, Deployed>();

  const deploy = async (stream: string, name: string, settings: MappingSettings) => {
    const functionName = `cassflow-probe-${name}-${run}`;
    const bucket = functionName.toLowerCase();
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ...(common.region === 'us-east-1'
          ? {}
          : {
              CreateBucketConfiguration: {
                LocationConstraint: common.region as BucketLocationConstraint,
              },
            }),
      }),
    );
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: functionName }));
    const queueUrl = queue.QueueUrl ?? '';
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: functionName,
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: 'arn:aws:iam::000000000000:role/cassflow-conformance',
        Code: { ZipFile: code },
        Timeout: settings.TimeoutSeconds ?? 60,
        Environment: { Variables: { PROBE_LOG_BUCKET: bucket } },
      }),
    );
    await waitUntilFunctionActiveV2(
      { client: lambda, maxWaitTime: 120 },
      { FunctionName: functionName },
    );
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    const mapping = await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: functionName,
        EventSourceArn: summary.StreamDescriptionSummary?.StreamARN,
        StartingPosition: settings.StartingPosition ?? 'TRIM_HORIZON',
        StartingPositionTimestamp:
          settings.StartingPositionTimestamp !== undefined
            ? new Date(settings.StartingPositionTimestamp)
            : undefined,
        BatchSize: settings.BatchSize,
        MaximumBatchingWindowInSeconds: settings.MaximumBatchingWindowInSeconds,
        BisectBatchOnFunctionError: settings.BisectBatchOnFunctionError,
        MaximumRetryAttempts: settings.MaximumRetryAttempts,
        MaximumRecordAgeInSeconds: settings.MaximumRecordAgeInSeconds,
        ParallelizationFactor: settings.ParallelizationFactor,
        FunctionResponseTypes: settings.ReportBatchItemFailures
          ? ['ReportBatchItemFailures']
          : undefined,
        DestinationConfig: { OnFailure: { Destination: attributes.Attributes?.QueueArn } },
      }),
    );
    return { functionName, bucket, queueUrl, mappingId: mapping.UUID ?? '' };
  };

  const waitForState = async (mappingId: string, state: string) => {
    for (let i = 0; i < 240; i++) {
      const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: mappingId }));
      if (got.State === state) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`event-source mapping ${mappingId} never became ${state}`);
  };

  return {
    name: `LocalStack at ${endpoint}`,
    kinesis,
    patienceMs: 120_000,
    stream: async (name, shards) => {
      const stream = `es-${name}-${run}`;
      await ensureStream(kinesis, stream, shards);
      streams.push(stream);
      return stream;
    },
    put: (stream, records) => putJson(kinesis, stream, records),
    map: async (stream, name, settings) => {
      let target = deployed.get(name);
      if (target) {
        await lambda.send(
          new UpdateEventSourceMappingCommand({ UUID: target.mappingId, Enabled: true }),
        );
      } else {
        target = await deploy(stream, name, settings);
        deployed.set(name, target);
      }
      const { mappingId } = target;
      await waitForState(mappingId, 'Enabled');
      return probeMapping(target, { s3, sqs }, async () => {
        await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mappingId, Enabled: false }));
        await waitForState(mappingId, 'Disabled');
      });
    },
    close: async () => {
      for (const d of deployed.values()) {
        await lambda
          .send(new DeleteEventSourceMappingCommand({ UUID: d.mappingId }))
          .catch(() => {});
        await lambda
          .send(new DeleteFunctionCommand({ FunctionName: d.functionName }))
          .catch(() => {});
      }
      await Promise.allSettled(streams.map((s) => deleteStream(kinesis, s)));
      for (const client of [kinesis, lambda, s3, sqs]) client.destroy();
    },
  };
}

/** Reads the probe's log from its bucket and the failures from its queue. */
function probeMapping(
  target: Deployed,
  clients: { s3: S3Client; sqs: SQSClient },
  stop: () => Promise<void>,
): ProbeMapping {
  const logged = new Map<string, ProbeEntry>();
  const failures: FailureRecord[] = [];
  return {
    entries: async () => {
      let token: string | undefined;
      do {
        const page = await clients.s3.send(
          new ListObjectsV2Command({
            Bucket: target.bucket,
            Prefix: 'log/',
            ContinuationToken: token,
          }),
        );
        for (const object of page.Contents ?? []) {
          const key = object.Key ?? '';
          if (logged.has(key)) continue;
          const got = await clients.s3.send(
            new GetObjectCommand({ Bucket: target.bucket, Key: key }),
          );
          logged.set(key, JSON.parse(await (got.Body?.transformToString() ?? '{}')) as ProbeEntry);
        }
        token = page.NextContinuationToken;
      } while (token);
      return [...logged.values()].sort((a, b) => a.at - b.at);
    },
    failures: async () => {
      for (;;) {
        const got = await clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: target.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
          }),
        );
        if (!got.Messages?.length) return failures;
        for (const message of got.Messages) {
          failures.push(JSON.parse(message.Body ?? '{}') as FailureRecord);
          await clients.sqs.send(
            new DeleteMessageCommand({
              QueueUrl: target.queueUrl,
              ReceiptHandle: message.ReceiptHandle,
            }),
          );
        }
      }
    },
    stop,
  };
}
