import { describe, expect, it } from 'vitest';
import { generatePageViews, latencyMs } from '#lib/demo/generate-page-views';
import { seededRandom } from '#lib/demo/seeded-random';

describe('generated page views', () => {
  it('has the shape the page_views pipeline reads', () => {
    let clock = 1_767_225_600_000;
    const events = [...generatePageViews({ count: 2000, keys: 7, seed: 3, now: () => clock++ })];
    expect(events).toHaveLength(2000);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i));
    expect(Object.keys(events[0] ?? {})).toEqual(['page', 'user', 'ts', 'ms', 'id']);
    expect(events.map((e) => e.ts)).toEqual(events.map((_, i) => 1_767_225_600_000 + i));
    const pages = new Set(events.map((e) => e.page));
    expect([...pages].sort()).toEqual(Array.from({ length: 7 }, (_, i) => `/page/${i}`).sort());
    for (const e of events) {
      expect(e.user).toMatch(/^user-(\d{1,3})$/);
      expect(Number.isInteger(e.ms) && e.ms >= 1).toBe(true);
    }
    expect(new Set(events.map((e) => e.user)).size).toBeGreaterThan(800);
  });

  it('is the same for the same seed, apart from the time', () => {
    const strip = (seed: number) =>
      [...generatePageViews({ count: 500, keys: 10, seed })].map(({ ts: _, ...rest }) => rest);
    expect(strip(42)).toEqual(strip(42));
    expect(strip(42)).not.toEqual(strip(43));
  });

  it('makes each event when it is pulled, so ts is the time of pulling', () => {
    let clock = 0;
    const events = generatePageViews({ count: 3, keys: 1, seed: 1, now: () => clock });
    clock = 10;
    expect(events.next().value?.ts).toBe(10);
    clock = 500;
    expect(events.next().value?.ts).toBe(500);
  });

  it('skews latencies: a median near 120 ms and a long tail', () => {
    const random = seededRandom(9);
    const ms = Array.from({ length: 20_000 }, () => latencyMs(random)).sort((a, b) => a - b);
    const at = (q: number) => ms[Math.floor(q * ms.length)] ?? 0;
    expect(at(0.5)).toBeGreaterThan(110);
    expect(at(0.5)).toBeLessThan(130);
    expect(at(0.99)).toBeGreaterThan(2.5 * at(0.5));
    expect(at(0.01)).toBeGreaterThanOrEqual(1);
  });
});
