import { afterEach, describe, expect, it } from 'vitest';
import { type DashboardServer, startDashboard } from '#lib/dashboard/dashboard-server';
import type { DashboardSnapshot } from '#lib/dashboard/snapshot';

let server: DashboardServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function snapshots() {
  let n = 0;
  return (): DashboardSnapshot => {
    n += 1;
    return { at: new Date(n * 1000).toISOString(), pipelines: [], jobs: [] };
  };
}

describe('the dashboard server', () => {
  it('serves the page, the snapshot, and a live stream of snapshots on 127.0.0.1', async () => {
    server = await startDashboard(snapshots(), { port: 0, intervalMs: 50 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(server.url);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain("new EventSource('/api/events')");
    const snapshot = (await (await fetch(new URL('api/snapshot', server.url))).json()) as {
      at: string;
    };
    expect(snapshot.at).toBe('1970-01-01T00:00:01.000Z');
    const controller = new AbortController();
    const stream = await fetch(new URL('api/events', server.url), { signal: controller.signal });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while ((text.match(/\n\n/g) ?? []).length < 3) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const events = text
      .split('\n\n')
      .filter(Boolean)
      .map((e) => JSON.parse(e.replace(/^data: /, '')) as { at: string });
    // A new snapshot each time: the stream moves on its own.
    expect(new Set(events.map((e) => e.at)).size).toBe(events.length);
    expect((await fetch(new URL('nope', server.url))).status).toBe(404);
  });
});
