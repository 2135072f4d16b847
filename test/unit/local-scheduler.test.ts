import type { Context, ScheduledEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LegacyContextCallError } from '#lib/emulator/lambda-context';
import { startScheduler } from '#lib/emulator/scheduler/scheduler';
import type { ScheduledJob } from '#lib/pipeline/define-scheduled-function';
import { DuplicateJobError, ScheduleExpressionError } from '#lib/schedule-expression/errors';

const MIN = 60_000;
const START = Date.parse('2026-03-01T10:00:00Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A promise the test settles when it wants the handler to finish. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

function job(handler: ScheduledJob['handler'], schedule = 'rate(1 minute)'): ScheduledJob {
  return { name: 'sync', schedule, handler };
}

describe('startScheduler', () => {
  let lines: string[];
  const log = (line: string) => lines.push(line);

  beforeEach(() => {
    lines = [];
    vi.useFakeTimers();
    vi.setSystemTime(START);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires a rate(1 minute) job every minute from the start with a Scheduled Event', async () => {
    // Prepare
    const calls: { event: ScheduledEvent; context: Context; remaining: number }[] = [];
    const handler = async (event: ScheduledEvent, context: Context) => {
      calls.push({ event, context, remaining: context.getRemainingTimeInMillis() });
    };
    const options = { log, region: 'eu-west-1', timeoutMs: 30_000 };
    const scheduler = startScheduler([job(handler)], options);

    // Act
    await vi.advanceTimersByTimeAsync(MIN - 1);
    const beforeFirst = calls.length;
    await vi.advanceTimersByTimeAsync(1 + 2 * MIN);
    await scheduler.stop();

    // Assess
    expect(beforeFirst).toBe(0);
    const times = calls.map((call) => call.event.time);
    expect(times).toEqual(['2026-03-01T10:01:00Z', '2026-03-01T10:02:00Z', '2026-03-01T10:03:00Z']);
    expect(calls[0]?.event).toEqual({
      version: '0',
      id: expect.stringMatching(UUID),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: '2026-03-01T10:01:00Z',
      region: 'eu-west-1',
      resources: ['arn:aws:events:eu-west-1:000000000000:rule/sync'],
      detail: {},
    });
    expect(calls[0]?.context).toMatchObject({
      functionName: 'sync',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:sync',
      awsRequestId: expect.stringMatching(UUID),
    });
    expect(calls[0]?.remaining).toBe(30_000);
    expect(() => calls[0]?.context.succeed('ok')).toThrow(LegacyContextCallError);
    expect(new Set(calls.map((call) => call.event.id)).size).toBe(3);
    expect(new Set(calls.map((call) => call.context.awsRequestId)).size).toBe(3);
    expect(lines[0]).toBe('sync: rate(1 minute), first run due 2026-03-01T10:01:00Z');
    expect(lines[1]).toMatch(/^sync: start \(due 2026-03-01T10:01:00Z, request [0-9a-f-]{36}\)$/);
    expect(lines[2]).toBe('sync: end after 0 ms');
  });

  it('skips and logs a fire time that comes while the previous run is still going', async () => {
    // Prepare
    const slow = gate();
    const due: string[] = [];
    const handler = async (event: ScheduledEvent) => {
      due.push(event.time);
      if (due.length === 1) await slow.promise;
    };
    const scheduler = startScheduler([job(handler)], { log, timeoutMs: MIN });

    // Act
    await vi.advanceTimersByTimeAsync(2.5 * MIN);
    slow.open();
    await vi.advanceTimersByTimeAsync(0.5 * MIN);
    await scheduler.stop();

    // Assess
    expect(due).toEqual(['2026-03-01T10:01:00Z', '2026-03-01T10:03:00Z']);
    expect(lines).toContain(
      'sync: skipped the run due at 2026-03-01T10:02:00Z: the previous run is still going',
    );
    expect(lines).toContain(
      'sync: end after 90000 ms (over the 60000 ms timeout: Lambda would stop it)',
    );
  });

  it('logs a failing handler and still fires at the next time', async () => {
    // Prepare
    let calls = 0;
    const handler = (): Promise<unknown> => {
      calls += 1;
      if (calls === 1) throw new Error('thrown before any await');
      if (calls === 2) return Promise.reject(new Error('Cassandra unavailable'));
      return Promise.resolve('done');
    };
    const scheduler = startScheduler([job(handler)], { log });

    // Act
    await vi.advanceTimersByTimeAsync(3 * MIN);
    await scheduler.stop();

    // Assess
    expect(calls).toBe(3);
    const outcomes = lines.filter((line) => !line.includes(': start ('));
    expect(outcomes).toEqual([
      'sync: rate(1 minute), first run due 2026-03-01T10:01:00Z',
      'sync: failed after 0 ms: thrown before any await',
      'sync: failed after 0 ms: Cassandra unavailable',
      'sync: end after 0 ms',
    ]);
  });

  it('stop() waits for the run in flight and fires nothing more', async () => {
    // Prepare
    const slow = gate();
    const contexts: Context[] = [];
    const handler = async (_event: ScheduledEvent, context: Context) => {
      contexts.push(context);
      await slow.promise;
    };
    const scheduler = startScheduler([job(handler)], { log });
    await vi.advanceTimersByTimeAsync(MIN);

    // Act
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(5 * MIN);
    const stoppedBeforeRunEnded = stopped;
    const remaining = contexts[0]?.getRemainingTimeInMillis();
    slow.open();
    await stopping;

    // Assess
    expect(stoppedBeforeRunEnded).toBe(false);
    expect(stopped).toBe(true);
    expect(contexts).toHaveLength(1);
    expect(remaining).toBe(900_000 - 5 * MIN);
    expect(lines.at(-1)).toBe('sync: end after 300000 ms');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fires a cron job on its UTC minutes', async () => {
    // Prepare
    vi.setSystemTime(Date.parse('2026-03-01T10:07:30Z'));
    const due: string[] = [];
    const handler = async (event: ScheduledEvent) => {
      due.push(event.time);
    };
    const scheduler = startScheduler([job(handler, 'cron(0/15 * * * ? *)')], { log });

    // Act
    await vi.advanceTimersByTimeAsync(30 * MIN);
    await scheduler.stop();

    // Assess
    expect(due).toEqual(['2026-03-01T10:15:00Z', '2026-03-01T10:30:00Z']);
  });

  it('waits longer than one setTimeout can, with an injected clock and timers', async () => {
    // Prepare
    let clock = START;
    const timers: { at: number; callback: () => void }[] = [];
    const due: string[] = [];
    const scheduler = startScheduler(
      [job(async (e) => void due.push(e.time), 'cron(0 0 1 1 ? *)')],
      {
        log,
        now: () => clock,
        setTimer: (callback, delayMs) => timers.push({ at: clock + delayMs, callback }),
        clearTimer: () => {},
      },
    );

    // Act
    let hops = 0;
    for (let timer = timers.shift(); timer && due.length === 0; timer = timers.shift()) {
      clock = timer.at;
      timer.callback();
      hops += 1;
    }
    await scheduler.stop();

    // Assess
    expect(due).toEqual(['2027-01-01T00:00:00Z']);
    expect(clock).toBe(Date.parse('2027-01-01T00:00:00Z'));
    expect(hops).toBe(Math.ceil((clock - START) / (2 ** 31 - 1)));
  });

  it('logs a job whose cron years have passed and sets no timer for it', async () => {
    // Prepare
    const handler = vi.fn(async () => {});

    // Act
    const scheduler = startScheduler([job(handler, 'cron(0 0 1 1 ? 2020-2025)')], { log });
    await vi.advanceTimersByTimeAsync(366 * 24 * 60 * MIN);
    await scheduler.stop();

    // Assess
    expect(handler).not.toHaveBeenCalled();
    expect(lines).toEqual(['sync: cron(0 0 1 1 ? 2020-2025) fires no more; the job is done']);
  });

  it('refuses a bad schedule or a reused name before starting any job', () => {
    // Prepare
    const handler = async () => {};
    const good = job(handler);

    // Act
    const bad = { ...job(handler, 'rate(5 minute)'), name: 'compact' };
    const badSchedule = () => startScheduler([good, bad], { log });
    const reusedName = () => startScheduler([good, good], { log });

    // Assess
    expect(badSchedule).toThrow(ScheduleExpressionError);
    expect(badSchedule).toThrow("rate(5 minute): unit: write 'minutes' for a value of 5");
    expect(reusedName).toThrow(DuplicateJobError);
    expect(vi.getTimerCount()).toBe(0);
    expect(lines).toEqual([]);
  });
});
