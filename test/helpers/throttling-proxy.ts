import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '#lib/demo/seeded-random';

const PUT_RECORDS = 'Kinesis_20131202.PutRecords';
const JSON_TYPE = 'application/x-amz-json-1.1';

export type ProxyCounts = {
  /** PutRecords calls that reached the proxy. */
  putCalls: number;
  /** Calls answered with a whole-request ProvisionedThroughputExceededException. */
  rejectedCalls: number;
  /** Calls of which only some records were forwarded. */
  partialCalls: number;
  /** Records answered as throttled without being forwarded. */
  droppedRecords: number;
  /** Failures of the proxy itself; a test must see none (they would pass as InternalFailure). */
  errors: string[];
};

export type ThrottlingProxy = { url: string; counts: ProxyCounts; close(): Promise<void> };

export type FaultRates = {
  /** Share of PutRecords calls refused whole with HTTP 400. */
  rejectCalls: number;
  /** Share of the records of the other calls answered as throttled. */
  dropRecords: number;
  seed: number;
};

type PutRecordsBody = { StreamName?: string; Records: unknown[] };
type PutRecordsAnswer = { FailedRecordCount?: number; Records: object[] };

/**
 * An HTTP proxy in front of a Kinesis endpoint that injects the throughput errors real Kinesis
 * gives under load: some PutRecords calls are refused whole (HTTP 400,
 * ProvisionedThroughputExceededException), and of the others a random part of the records is
 * never forwarded but answered as throttled, merged into the real answer. Other calls pass.
 */
export async function startThrottlingProxy(
  target: string,
  rates: FaultRates,
): Promise<ThrottlingProxy> {
  const counts: ProxyCounts = {
    putCalls: 0,
    rejectedCalls: 0,
    partialCalls: 0,
    droppedRecords: 0,
    errors: [],
  };
  const random = seededRandom(rates.seed);
  const agent = new Agent({ keepAlive: true });
  const upstream = new URL(target);

  const forward = (incoming: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>(
      (resolve, reject) => {
        const headers = { ...incoming.headers, host: upstream.host };
        delete headers['transfer-encoding'];
        headers['content-length'] = String(body.length);
        const call = request(
          upstream,
          { method: incoming.method, path: incoming.url, headers, agent },
          (res) => {
            readBody(res).then(
              (data) =>
                resolve({ status: res.statusCode ?? 500, headers: res.headers, body: data }),
              reject,
            );
          },
        );
        call.on('error', reject);
        call.end(body);
      },
    );

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    if (req.headers['x-amz-target'] !== PUT_RECORDS) {
      const answer = await forward(req, body);
      res.writeHead(answer.status, answer.headers).end(answer.body);
      return;
    }
    if (!String(req.headers['content-type']).startsWith(JSON_TYPE)) {
      throw new Error(`the proxy reads JSON PutRecords only, got ${req.headers['content-type']}`);
    }
    counts.putCalls += 1;
    const put = JSON.parse(body.toString('utf8')) as PutRecordsBody;
    if (random() < rates.rejectCalls) {
      counts.rejectedCalls += 1;
      return sendJson(res, 400, {
        __type: 'ProvisionedThroughputExceededException',
        message: `Rate exceeded for shard shardId-000000000000 in stream ${put.StreamName} under account 000000000000.`,
      });
    }
    const dropped = put.Records.map(() => random() < rates.dropRecords);
    const kept = put.Records.filter((_, i) => !dropped[i]);
    const droppedCount = put.Records.length - kept.length;
    let answer: PutRecordsAnswer = { FailedRecordCount: 0, Records: [] };
    if (kept.length > 0) {
      const forwarded = await forward(req, Buffer.from(JSON.stringify({ ...put, Records: kept })));
      if (forwarded.status !== 200 || droppedCount === 0) {
        res.writeHead(forwarded.status, forwarded.headers).end(forwarded.body);
        return;
      }
      answer = JSON.parse(forwarded.body.toString('utf8')) as PutRecordsAnswer;
    }
    counts.partialCalls += 1;
    counts.droppedRecords += droppedCount;
    const real = answer.Records[Symbol.iterator]();
    sendJson(res, 200, {
      ...answer,
      FailedRecordCount: (answer.FailedRecordCount ?? 0) + droppedCount,
      Records: dropped.map((drop) =>
        drop
          ? {
              ErrorCode: 'ProvisionedThroughputExceededException',
              ErrorMessage: 'Rate exceeded for shard shardId-000000000000 (injected by the proxy)',
            }
          : real.next().value,
      ),
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      counts.errors.push(String(error));
      if (!res.headersSent)
        sendJson(res, 500, { __type: 'InternalFailure', message: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(stream: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text) })
    .end(text);
}
