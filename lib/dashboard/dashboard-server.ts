import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { jsonText } from '../query/json-text.ts';
import type { DashboardSnapshot } from './snapshot.ts';
import type { WindowPage, WindowQuery } from './window-browser.ts';

/** The dashboard's port is taken: most likely by another cassflow dashboard. */
export class DashboardPortInUseError extends Error {
  readonly port: number;

  constructor(port: number) {
    super(`127.0.0.1:${port} is in use (by another 'cassflow run --ui' or 'cassflow ui'?)`);
    this.name = 'DashboardPortInUseError';
    this.port = port;
  }
}

export type DashboardServer = { url: string; close(): Promise<void> };

/** What the server shows: the current snapshot, and the window browser's reads. */
export type DashboardSource = {
  snapshot(): DashboardSnapshot;
  windows(pipeline: string, query: WindowQuery): Promise<WindowPage>;
};

export type DashboardOptions = {
  /** 127.0.0.1's port; 0 picks a free one. */
  port: number;
  /** How often the live stream sends a snapshot (default 500 ms). */
  intervalMs?: number;
};

const require = createRequire(import.meta.url);
const own = (name: string) => new URL(`./assets/${name}`, import.meta.url);
/** The page and its assets, all from disk: the page needs no network beyond 127.0.0.1. */
const ASSETS: Record<string, { type: string; file: URL | string }> = {
  '/': { type: 'text/html; charset=utf-8', file: own('index.html') },
  '/app.js': { type: 'text/javascript; charset=utf-8', file: own('app.js') },
  '/format.js': { type: 'text/javascript; charset=utf-8', file: own('format.js') },
  '/pipeline-card.js': { type: 'text/javascript; charset=utf-8', file: own('pipeline-card.js') },
  '/pipeline-figures.js': {
    type: 'text/javascript; charset=utf-8',
    file: own('pipeline-figures.js'),
  },
  '/window-browser.js': { type: 'text/javascript; charset=utf-8', file: own('window-browser.js') },
  '/sync-jobs.js': { type: 'text/javascript; charset=utf-8', file: own('sync-jobs.js') },
  '/app.css': { type: 'text/css; charset=utf-8', file: own('app.css') },
  '/uPlot.min.js': {
    type: 'text/javascript; charset=utf-8',
    file: require.resolve('uplot/dist/uPlot.iife.min.js'),
  },
  '/uPlot.min.css': {
    type: 'text/css; charset=utf-8',
    file: require.resolve('uplot/dist/uPlot.min.css'),
  },
};

/**
 * Serves a local run on 127.0.0.1: the page (`/` and its assets), the current snapshot as JSON
 * (`/api/snapshot`), a server-sent event stream of snapshots (`/api/events`), and the window
 * browser (`/api/windows?pipeline=…&key=…&window=…`).
 */
export async function startDashboard(
  source: DashboardSource,
  options: DashboardOptions,
): Promise<DashboardServer> {
  const streams = new Set<ServerResponse>();
  const assets = new Map(
    Object.entries(ASSETS).map(([path, a]) => [path, { type: a.type, body: readFileSync(a.file) }]),
  );
  let port = options.port;
  const server = createServer((request, response) => {
    // Only this machine's names: a page elsewhere that rebinds its DNS to 127.0.0.1 gets nothing.
    const host = request.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      response.writeHead(421, { 'content-type': 'text/plain' }).end(`not served to ${host}\n`);
      return;
    }
    const url = URL.parse(request.url ?? '/', 'http://127.0.0.1');
    const asset = url && assets.get(url.pathname);
    if (!url) {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('not a path\n');
    } else if (request.method !== 'GET') {
      response.writeHead(405).end();
    } else if (url.pathname === '/favicon.ico') {
      response.writeHead(204).end();
    } else if (asset) {
      response.writeHead(200, { 'content-type': asset.type }).end(asset.body);
    } else if (url.pathname === '/api/snapshot') {
      sendJson(response, 200, source.snapshot());
    } else if (url.pathname === '/api/windows') {
      const pipeline = url.searchParams.get('pipeline') ?? '';
      const query: WindowQuery = {};
      const key = url.searchParams.get('key');
      const window = url.searchParams.get('window');
      if (key) query.key = key;
      if (window) query.window = window;
      source.windows(pipeline, query).then(
        (page) => sendJson(response, 200, page),
        (error: Error) =>
          sendJson(response, error instanceof RangeError ? 404 : 500, { error: error.message }),
      );
    } else if (url.pathname === '/api/events') {
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      response.write(`data: ${jsonText(source.snapshot())}\n\n`);
      streams.add(response);
      request.on('close', () => streams.delete(response));
    } else {
      response
        .writeHead(404, { 'content-type': 'text/plain' })
        .end(`no such page: ${url.pathname}\n`);
    }
  });
  const timer = setInterval(() => {
    if (streams.size === 0) return;
    const event = `data: ${jsonText(source.snapshot())}\n\n`;
    for (const stream of streams) stream.write(event);
  }, options.intervalMs ?? 500);
  timer.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      clearInterval(timer);
      reject(error.code === 'EADDRINUSE' ? new DashboardPortInUseError(options.port) : error);
    });
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      clearInterval(timer);
      for (const stream of streams) stream.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Browsers keep their connections open: close them rather than wait out their keep-alive.
      server.closeAllConnections();
      await closed;
    },
  };
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(jsonText(value));
}
