import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DashboardPortInUseError,
  type DashboardServer,
  type DashboardSource,
  startDashboard,
} from '#lib/dashboard/dashboard-server';
import type { DashboardSnapshot } from '#lib/dashboard/snapshot';
import type { WindowQuery } from '#lib/dashboard/window-browser';
import { jsonText } from '#lib/query/json-text';

const servers: DashboardServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function source(asked: WindowQuery[] = []): DashboardSource {
  let n = 0;
  return {
    snapshot: (): DashboardSnapshot => {
      n += 1;
      return {
        at: new Date(n * 1000).toISOString(),
        source: 'run',
        storeAt: null,
        pipelines: [],
        jobs: [],
      };
    },
    windows: async (pipeline, query) => {
      if (pipeline !== 'views') throw new RangeError(`no pipeline is named '${pipeline}'`);
      asked.push(query);
      const window = { key: 'a', window: 'tumbling_1m', start: 0, end: 60_000, final: true };
      return {
        windows: [{ ...window, events: 2n ** 60n, values: { n: 3n } }],
        keys: 1,
        truncated: false,
      };
    },
  };
}

async function start(s: DashboardSource, port = 0) {
  const server = await startDashboard(s, { port, intervalMs: 50 });
  servers.push(server);
  return server;
}

describe('the dashboard server', () => {
  it('serves the page and its assets from disk, with no address beyond its own', async () => {
    const server = await start(source());
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(server.url);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.sort()).toEqual(['/app.css', '/app.js', '/uPlot.min.css', '/uPlot.min.js']);
    // Each from this server (uPlot from node_modules): the page loads nothing from elsewhere.
    for (const asset of assets) {
      expect((await fetch(new URL(asset, server.url))).status, asset).toBe(200);
    }
    // The page's modules, each import among them, come from this server too.
    const seen = new Set<string>();
    const load = async (module: string): Promise<void> => {
      if (seen.has(module)) return;
      seen.add(module);
      const response = await fetch(new URL(module, server.url));
      expect(response.status, module).toBe(200);
      expect(response.headers.get('content-type'), module).toContain('javascript');
      const text = await response.text();
      for (const m of text.matchAll(/from '\.\/([\w-]+\.js)'/g)) await load(m[1] ?? '');
    };
    await load('app.js');
    expect([...seen].length).toBeGreaterThan(4);
    expect(await (await fetch(new URL('app.js', server.url))).text()).toContain(
      "new EventSource('/api/events')",
    );
    expect(await (await fetch(new URL('uPlot.min.js', server.url))).text()).toContain('uPlot');
  });

  it('serves the snapshot, and a live stream of snapshots', async () => {
    const server = await start(source());
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

  it("answers the window browser's query, with event counts past 2^53 as strings", async () => {
    const asked: WindowQuery[] = [];
    const server = await start(source(asked));
    const response = await fetch(
      new URL('api/windows?pipeline=views&key=a&window=tumbling_1m', server.url),
    );
    expect(response.status).toBe(200);
    const page = (await response.json()) as {
      windows: { events: unknown; values: { n: unknown } }[];
    };
    expect(page.windows[0]?.events).toBe(String(2n ** 60n));
    expect(page.windows[0]?.values.n).toBe(3);
    expect(asked).toEqual([{ key: 'a', window: 'tumbling_1m' }]);
    const missing = await fetch(new URL('api/windows?pipeline=nope', server.url));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "no pipeline is named 'nope'" });
  });

  it('answers only requests for this machine, and survives a path it cannot parse', async () => {
    const server = await start(source());
    const { port } = new URL(server.url);
    const status = (path: string, host: string) =>
      new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path, headers: { host } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
    // A page elsewhere whose name was rebound to 127.0.0.1 asks with its own host name.
    expect(await status('/api/snapshot', `attacker.example:${port}`)).toBe(421);
    expect(await status('/api/snapshot', `localhost:${port}`)).toBe(200);
    expect(await status('//[', `127.0.0.1:${port}`)).toBe(400);
    expect(await status('/api/snapshot', `127.0.0.1:${port}`)).toBe(200);
  });

  it('says which port is taken, rather than failing with EADDRINUSE', async () => {
    const server = await start(source());
    const port = Number(new URL(server.url).port);
    await expect(start(source(), port)).rejects.toThrow(DashboardPortInUseError);
    await expect(start(source(), port)).rejects.toThrow(`127.0.0.1:${port} is in use`);
  });

  it('writes bigints as numbers while they are exact', () => {
    expect(jsonText({ a: 5n, b: -(2n ** 53n), c: [1n] })).toBe(
      '{"a":5,"b":"-9007199254740992","c":[1]}',
    );
  });
});
