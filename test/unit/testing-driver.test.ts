import {
  avg,
  count,
  definePipeline,
  distinct,
  quantile,
  session,
  sliding,
  tumbling,
} from 'cassflow';
import { PipelineTestDriver, rawRecord, testPipeline } from 'cassflow/testing';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';

type PageView = { page: string; user: { id: string }; ts: number; ms: number };

const T0 = Date.UTC(2026, 0, 1);
const view = (page: string, second: number, ms = 10): PageView => ({
  page,
  user: { id: `u-${second}` },
  ts: T0 + second * 1000,
  ms,
});

const pageViews = definePipeline<PageView>()({
  name: 'test_views',
  source: { stream: 'views' },
  key: 'page',
  time: 'ts',
  windows: [tumbling('1m')],
  aggregates: { views: count(), mean_ms: avg('ms'), users: distinct('user.id') },
});

describe('testPipeline', () => {
  it('counts each window exactly and returns typed results', async () => {
    const { windows, late, deadLetters } = await testPipeline(pageViews, [
      view('/a', 1, 10),
      view('/a', 20, 30),
      view('/b', 30),
      view('/a', 70),
    ]);
    expect(
      windows.map((w) => [w.key, new Date(w.start).toISOString(), w.final, w.values.views]),
    ).toEqual([
      ['/a', '2026-01-01T00:00:00.000Z', true, 2n],
      ['/a', '2026-01-01T00:01:00.000Z', true, 1n],
      ['/b', '2026-01-01T00:00:00.000Z', true, 1n],
    ]);
    expect(windows[0]?.values.mean_ms).toBe(20);
    expect(late).toEqual([]);
    expect(deadLetters).toEqual([]);
    expectTypeOf(windows[0]?.values.views).toEqualTypeOf<bigint | null | undefined>();
    expectTypeOf(windows[0]?.values.mean_ms).toEqualTypeOf<number | null | undefined>();
  });

  it('dead-letters what it cannot read, naming the field, and counts the rest', async () => {
    const broken = rawRecord('{"page": ');
    const noTime = { page: '/a', user: { id: 'u' }, ms: 1 } as unknown as PageView;
    const { windows, deadLetters, figures } = await testPipeline(pageViews, [
      view('/a', 1),
      broken,
      noTime,
    ]);
    expect(deadLetters.map((d) => [d.event, d.field])).toEqual([
      [broken, '(record)'],
      [noTime, 'ts'],
    ]);
    expect(deadLetters[1]?.reason).toBe('event time is missing');
    expect(figures).toEqual({ sent: 3, deadLettered: 2, filtered: 0 });
    expect(windows.map((w) => w.values.views)).toEqual([1n]);
  });

  it('filters before keying and keys the mapped event', async () => {
    type Envelope = { type: 'view' | 'click'; body: { path: string; at: number } };
    const views = definePipeline<Envelope>()({
      name: 'test_envelopes',
      source: { stream: 'events' },
      filter: (e) => e.type === 'view',
      // Annotated, so that TypeScript infers the mapped event from what map returns.
      map: (e: Envelope) => ({ page: e.body.path, ts: e.body.at }),
      key: 'page',
      time: 'ts',
      windows: [tumbling('1m')],
      aggregates: { views: count() },
    });
    const { windows, deadLetters, figures } = await testPipeline(views, [
      { type: 'view', body: { path: '/a', at: T0 } },
      { type: 'click', body: { path: '/a', at: T0 } },
      { type: 'view', body: { path: '/a', at: T0 + 5 } },
    ]);
    expect(windows.map((w) => [w.key, w.values.views])).toEqual([['/a', 2n]]);
    expect(deadLetters).toEqual([]);
    expect(figures.filtered).toBe(1);
  });

  it('dead-letters an event its filter or map throws on, with the reason', async () => {
    const fragile = definePipeline({
      name: 'test_fragile',
      source: { stream: 'events' },
      filter: (e) => (e.skip as { really: boolean }).really === false,
      map: (e) => (e.flat ? 42 : e) as Record<string, unknown>,
      key: 'k',
      time: 't',
      windows: [tumbling('1m')],
      aggregates: { n: count() },
    });
    const { deadLetters } = await testPipeline(fragile, [
      { k: 'a', t: T0 },
      { k: 'a', t: T0, skip: { really: false }, flat: true },
    ]);
    expect(deadLetters.map((d) => d.field)).toEqual(['(filter)', '(map)']);
    expect(deadLetters[1]?.reason).toBe('map must return an object, got number');
  });
  it('judges event times against a prompt stream: seconds and far-future times are dead letters', async () => {
    const seconds = { ...view('/a', 30), ts: Math.floor((T0 + 30_000) / 1000) };
    const future = view('/a', 10 * 86_400);
    const { windows, deadLetters } = await testPipeline(pageViews, [
      rawRecord('not json'),
      view('/a', 1),
      seconds,
      future,
      view('/a', 50),
    ]);
    expect(deadLetters.map((d) => d.field)).toEqual(['(record)', 'ts', 'ts']);
    expect(deadLetters[1]?.reason).toMatch(/lateness\.maxPast.*looks like epoch seconds/);
    expect(deadLetters[2]?.reason).toMatch(/lateness\.maxFuture/);
    // A raw record first, a stray future event: neither moved the clock, nothing else is late.
    expect(windows.map((w) => w.values.views)).toEqual([2n]);
  });
});

describe('PipelineTestDriver', () => {
  it('records an event late once event time passed its window, and counts it nowhere else', async () => {
    const driver = new PipelineTestDriver(pageViews);
    await driver.send([view('/a', 10)]);
    await driver.advanceTo(T0 + 61_000);
    expect(driver.windows({ final: true }).map((w) => w.values.views)).toEqual([1n]);
    await driver.send([view('/a', 30)]);
    expect(driver.late.map((l) => [l.key, l.window, l.windowStart, l.eventTime])).toEqual([
      ['/a', 'tumbling_1m', T0, T0 + 30_000],
    ]);
    expect(driver.windows().map((w) => w.values.views)).toEqual([1n]);
  });

  it('holds windows open while another shard lags behind', async () => {
    const driver = new PipelineTestDriver(pageViews);
    await driver.send([view('/a', 5)], { shard: 'shard-1' });
    await driver.send([view('/a', 200)], { shard: 'shard-2' });
    // shard-1 has seen nothing past 0:05: the pipeline's watermark is there.
    expect(driver.windows({ final: true })).toEqual([]);
    await driver.send([view('/a', 130)], { shard: 'shard-1' });
    expect(driver.windows({ final: true }).map((w) => new Date(w.start).toISOString())).toEqual([
      '2026-01-01T00:00:00.000Z',
    ]);
  });

  it('closes sliding and session windows at finish', async () => {
    const both = definePipeline({
      name: 'test_shapes',
      source: { stream: 'events' },
      key: 'k',
      time: 't',
      windows: [sliding('2m', '1m'), session('30s')],
      aggregates: { n: count(), p50: quantile('v', 0.5) },
    });
    const driver = new PipelineTestDriver(both);
    await driver.send([
      { k: 'a', t: T0 + 10_000, v: 1 },
      { k: 'a', t: T0 + 20_000, v: 3 },
      { k: 'a', t: T0 + 100_000, v: 5 },
    ]);
    await driver.finish();
    const shown = driver.windows().map((w) => [w.window, (w.start - T0) / 1000, w.final, w.events]);
    expect(shown).toEqual([
      ['session_30s', 10, true, 2n],
      ['session_30s', 100, true, 1n],
      ['sliding_2m_1m', -60, true, 2n],
      ['sliding_2m_1m', 0, true, 3n],
      ['sliding_2m_1m', 60, true, 1n],
    ]);
  });

  it('counts each event in its window or records it late, never both, in any order', async () => {
    const lagging = definePipeline<PageView>()({
      name: 'test_lagging',
      source: { stream: 'views' },
      key: 'page',
      time: 'ts',
      windows: [tumbling('1m')],
      aggregates: { views: count() },
      lateness: { outOfOrder: '20s' },
    });
    const oneEvent = fc.record({ page: fc.constantFrom('/a', '/b', '/c'), second: fc.nat(300) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(oneEvent, { maxLength: 60 }),
        fc.integer({ min: 1, max: 9 }),
        async (events, batchSize) => {
          const { windows, late } = await testPipeline(
            lagging,
            events.map((e) => view(e.page, e.second)),
            { batchSize },
          );
          // The oracle: late when the window closes at or before the newest event time seen on
          // the shard before it, less the 20 s out-of-order bound; otherwise counted.
          const counted = new Map<string, bigint>();
          let lateCount = 0;
          let newest = Number.NEGATIVE_INFINITY;
          for (const e of events) {
            const minute = Math.floor(e.second / 60);
            if ((minute + 1) * 60 <= newest - 20) lateCount += 1;
            else
              counted.set(`${e.page}@${minute}`, (counted.get(`${e.page}@${minute}`) ?? 0n) + 1n);
            newest = Math.max(newest, e.second);
          }
          const got = new Map(
            windows.map((w) => [`${w.key}@${(w.start - T0) / 60_000}`, w.values.views]),
          );
          expect(got).toEqual(counted);
          expect(late.length).toBe(lateCount);
          expect(windows.every((w) => w.final)).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('typed definitions', () => {
  it('checks field paths against the event type', () => {
    const checked = () =>
      definePipeline<PageView>()({
        name: 'test_types',
        source: { stream: 'views' },
        // @ts-expect-error: PageView has no field 'pgae'
        key: 'pgae',
        time: 'ts',
        windows: [tumbling('1m')],
        // @ts-expect-error: PageView has no field 'latency'
        aggregates: { mean: avg('latency'), users: count() },
      });
    // Types only: at run time both are fields like any other.
    expect(checked().keyField).toBe('pgae');
    expectTypeOf<Parameters<typeof pageViews.key>>().toEqualTypeOf<[Record<string, unknown>]>();
  });
});
