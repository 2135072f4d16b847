import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { toEventRecord } from '#lib/emulator/event-source/event-record';
import { invoke } from '#lib/emulator/event-source/invoke';
import { IsolatedFunction } from '#lib/emulator/event-source/isolated-function';

const HANDLERS = fileURLToPath(new URL('../fixtures/isolated-handlers.mjs', import.meta.url));
const opened: IsolatedFunction[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((f) => f.close()));
});

function isolated(handler: string, env: Record<string, string> = {}) {
  const fn = new IsolatedFunction(
    { modulePath: HANDLERS, handler, env },
    `fn-${handler}`,
    'eu-west-1',
  );
  opened.push(fn);
  return fn;
}

describe('a function run in execution environments of its own', () => {
  it('answers from a warm environment, with a Lambda context', async () => {
    const fn = isolated('echo');
    const first = (await fn.invoke({ n: 1 }, 5_000).result) as Record<string, unknown>;
    const second = (await fn.invoke({ n: 2 }, 5_000).result) as Record<string, unknown>;

    expect(first).toMatchObject({ event: { n: 1 }, calls: 1, functionName: 'fn-echo' });
    expect(second).toMatchObject({ event: { n: 2 }, calls: 2 });
    expect(second.remaining).toBeGreaterThan(4_000);
    expect(fn.coldStarts).toBe(1);
  });

  it('gives each concurrent invocation its own environment', async () => {
    const fn = isolated('echo');
    const answers = await Promise.all([1, 2, 3].map((n) => fn.invoke({ n }, 5_000).result));

    expect(answers.map((a) => (a as { calls: number }).calls)).toEqual([1, 1, 1]);
    expect(fn.coldStarts).toBe(3);
  });

  it("passes on the handler's error by name and message", async () => {
    const fn = isolated('fails');
    await expect(fn.invoke({}, 5_000).result).rejects.toMatchObject({
      name: 'ProbeError',
      message: 'the handler failed on purpose',
    });
  });

  it('stops an invocation for good: its pending work never runs, the next one starts cold', async () => {
    const mark = join(mkdtempSync(join(tmpdir(), 'cassflow-isolated-')), 'marks');
    const fn = isolated('slow', { MARK_FILE: mark });
    const stopped = fn.invoke({ ms: 300, mark: 'stopped' }, 5_000);
    stopped.result.catch(() => undefined);
    await sleep(50);
    await stopped.stop();
    await expect(fn.invoke({ ms: 10, mark: 'next' }, 5_000).result).resolves.toBe('done');
    await sleep(500);

    expect(readFileSync(mark, 'utf8').split('\n').filter(Boolean)).toEqual(['next']);
    expect(fn.coldStarts).toBe(2);
    await expect(stopped.result).rejects.toThrow(/exited/);
  });

  it("times an invocation from the end of its environment's init phase, as Lambda does", async () => {
    const slowInit = fileURLToPath(new URL('../fixtures/slow-init-handler.mjs', import.meta.url));
    const fn = new IsolatedFunction(
      { modulePath: slowInit, handler: 'handler' },
      'slow',
      'eu-west-1',
    );
    opened.push(fn);
    const record = toEventRecord(
      { SequenceNumber: '1', PartitionKey: 'k', Data: new Uint8Array([1]) },
      'shardId-000000000000',
      { streamArn: 'arn:aws:kinesis:eu-west-1:000000000000:stream/s', region: 'eu-west-1' },
    );

    // Act: a 1 s timeout, and a module that takes 1.5 s to load.
    const outcome = await invoke(fn, [record], {
      functionName: 'slow',
      region: 'eu-west-1',
      timeoutSeconds: 1,
      reportBatchItemFailures: true,
    });

    expect(outcome).toEqual({ kind: 'ok' });
    expect(fn.coldStarts).toBe(1);
  });

  it('resets an environment that crashes between invocations, and goes on', async () => {
    const fn = isolated('crashesAfter');
    await expect(fn.invoke({}, 5_000).result).resolves.toBe('returned');
    await sleep(300); // the thread throws from its timer and dies, unasked

    await expect(fn.invoke({}, 5_000).result).resolves.toBe('returned');
    expect(fn.coldStarts).toBe(2);
  });

  it('names the module and the handler it cannot find', async () => {
    const fn = isolated('missing');
    await expect(fn.invoke({}, 5_000).result).rejects.toThrow(
      /isolated-handlers\.mjs has no exported function named missing/,
    );
  });
});
