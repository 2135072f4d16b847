import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { KinesisApiError } from './kinesis-api-error.ts';
import type { KinesisEngine } from './kinesis-engine.ts';
import type { Input } from './request-fields.ts';

const JSON_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'Kinesis_20131202.';
/** A PutRecords of 500 records of 1 MiB is refused by size, not by a cut connection. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

function send(res: ServerResponse, status: number, body: unknown, errorType?: string) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: KinesisApiError) {
  send(res, error.status, { __type: error.type, message: error.message }, error.type);
}

/** The body, or undefined when too large (read to its end all the same, so the answer arrives). */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
}

/** Kinesis' JSON protocol over HTTP/1.1: POST / with X-Amz-Target naming the operation. */
async function serve(engine: KinesisEngine, req: IncomingMessage, res: ServerResponse) {
  const target = req.headers['x-amz-target'];
  const body = await readBody(req);
  if (body === undefined) {
    sendError(res, new KinesisApiError('SerializationException', 'Request body too large', 413));
    return;
  }
  if (typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) {
    sendError(
      res,
      new KinesisApiError('UnknownOperationException', 'Missing or unknown X-Amz-Target'),
    );
    return;
  }
  if (!String(req.headers['content-type'] ?? '').includes('json')) {
    const message = `Only ${JSON_TYPE} is spoken here (CBOR clients: turn CBOR off)`;
    sendError(res, new KinesisApiError('SerializationException', message));
    return;
  }
  let input: unknown;
  try {
    input = body ? JSON.parse(body) : {};
  } catch {
    sendError(res, new KinesisApiError('SerializationException', 'Request body is not JSON'));
    return;
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    sendError(res, new KinesisApiError('SerializationException', 'Request body is not an object'));
    return;
  }
  try {
    send(res, 200, engine.handle(target.slice(TARGET_PREFIX.length), input as Input));
  } catch (error) {
    if (error instanceof KinesisApiError) {
      sendError(res, error);
      return;
    }
    console.error(`${target} failed:`, error);
    sendError(res, new KinesisApiError('InternalFailure', String(error), 500));
  }
}

export function kinesisHttpServer(engine: KinesisEngine): Server {
  const server = createServer((req, res) => {
    serve(engine, req, res).catch((error: unknown) => {
      console.error('request failed:', error);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  return server;
}
