import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisHttpServer } from '#lib/stack/kinesis/engine/http-server';
import { engineFixture } from '../helpers/kinesis-engine-fixture.ts';

const { engine } = engineFixture();
const server = kinesisHttpServer(engine);
let url = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const post = (target: string | undefined, body: string | Buffer) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      ...(target ? { 'x-amz-target': `Kinesis_20131202.${target}` } : {}),
    },
    body,
  });

describe("local Kinesis engine: Kinesis' JSON protocol over HTTP", () => {
  it('answers an action with 200 and JSON, and an error with 400, its __type and x-amzn-errortype', async () => {
    const created = await post('CreateStream', JSON.stringify({ StreamName: 'h', ShardCount: 1 }));
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    const missing = await post('DescribeStreamSummary', JSON.stringify({ StreamName: 'nope' }));
    expect(missing.status).toBe(400);
    expect(missing.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(await missing.json()).toEqual({
      __type: 'ResourceNotFoundException',
      message: 'Stream nope under account 000000000000 not found.',
    });
  });

  it('refuses an unknown operation, a body that is not a JSON object, and an entry that is not one', async () => {
    const types = async (response: Response) =>
      ((await response.json()) as { __type: string }).__type;
    expect(await types(await post('SubscribeToShard', '{}'))).toBe('UnknownOperationException');
    expect(await types(await post(undefined, '{}'))).toBe('UnknownOperationException');
    expect(await types(await post('ListStreams', '[1]'))).toBe('SerializationException');
    expect(await types(await post('ListStreams', '{'))).toBe('SerializationException');
    const entries = JSON.stringify({ StreamName: 'h', Records: [null] });
    const nullEntry = await post('PutRecords', entries);
    expect(nullEntry.status).toBe(400);
    expect(await types(nullEntry)).toBe('SerializationException');
  });

  it('answers a body over 8 MiB with 413 rather than cutting the connection', async () => {
    const response = await post('PutRecords', Buffer.alloc(9 * 1024 * 1024, 32));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { __type: string }).__type).toBe('SerializationException');
  });
});
