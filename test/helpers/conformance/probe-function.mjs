// The conformance suite's Lambda function, in plain JavaScript so the same file runs in the
// emulator's execution environments and, zipped, on LocalStack or AWS. What it does is decided by
// each record's JSON: `throw` fails the invocation, `failTimes` reports the record as a batch item
// failure on its first n attempts, `sleepMs` with `sleepTimes` sleeps on the first n attempts,
// `holdMs` makes every invocation of a batch holding it take that long. It
// writes what it saw to PROBE_LOG_FILE (JSON Lines) or to the S3 bucket PROBE_LOG_BUCKET.
import { appendFileSync, readFileSync } from 'node:fs';

const file = process.env.PROBE_LOG_FILE;
const bucket = process.env.PROBE_LOG_BUCKET;
let s3;

/** The S3 client and commands, loaded only when the log goes to S3 (Lambda's runtime has them). */
async function storage() {
  const sdk = await import('@aws-sdk/client-s3');
  // LocalStack points the SDK at itself (AWS_ENDPOINT_URL), where path-style addressing works.
  s3 ??= new sdk.S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL) });
  return { s3, sdk };
}

async function put(key, body) {
  const { s3, sdk } = await storage();
  await s3.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

async function write(entry) {
  if (file) return appendFileSync(file, `${JSON.stringify(entry)}\n`);
  await put(`log/${entry.at}-${entry.requestId}-${entry.type}.json`, JSON.stringify(entry));
}

/** Counts this invocation as an attempt at record `id`, and answers how many there were so far. */
async function attempt(id, requestId) {
  if (file) {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{"type":"start"'))
      .filter((line) => JSON.parse(line).records.some((r) => r.id === id)).length;
  }
  await put(`attempts/${id}/${requestId}`, '');
  const { s3, sdk } = await storage();
  const listed = await s3.send(
    new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: `attempts/${id}/` }),
  );
  return listed.KeyCount ?? 0;
}

export async function handler(event, context) {
  const records = event.Records.map((r) => {
    const body = JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString());
    return {
      ...body,
      pad: undefined,
      shardId: r.eventID.slice(0, r.eventID.lastIndexOf(':')),
      sequenceNumber: r.kinesis.sequenceNumber,
    };
  });
  const requestId = context.awsRequestId;
  const seen = records.map(({ id, key, shardId, sequenceNumber }) => ({
    id,
    key,
    shardId,
    sequenceNumber,
  }));
  await write({
    type: 'start',
    requestId,
    at: Date.now(),
    payloadBytes: Buffer.byteLength(JSON.stringify(event)),
    records: seen,
  });
  const failures = [];
  for (const record of records) {
    if (record.sleepMs === undefined && record.failTimes === undefined) continue;
    const tries = await attempt(record.id, requestId);
    if (record.sleepMs !== undefined && tries <= (record.sleepTimes ?? 1)) {
      await new Promise((resolve) => setTimeout(resolve, record.sleepMs));
    }
    if (record.failTimes !== undefined && tries <= record.failTimes) {
      failures.push({ itemIdentifier: record.sequenceNumber });
    }
  }
  const holdMs = Math.max(0, ...records.map((r) => r.holdMs ?? 0));
  if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
  const thrower = records.find((r) => r.throw);
  await write({ type: 'end', requestId, at: Date.now(), records: seen });
  if (thrower) throw new Error(`probe: record ${thrower.id} throws`);
  return { batchItemFailures: failures };
}
