import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DASHBOARD_PAGE } from './page.ts';
import type { DashboardSnapshot } from './snapshot.ts';

export type DashboardServer = { url: string; close(): Promise<void> };

export type DashboardOptions = {
  /** 127.0.0.1's port; 0 picks a free one. */
  port: number;
  /** How often the live stream sends a snapshot (default 500 ms). */
  intervalMs?: number;
};

/**
 * Serves a local run on 127.0.0.1: the page (`/`), the current snapshot as JSON
 * (`/api/snapshot`), and a server-sent event stream of snapshots (`/api/events`).
 */
export async function startDashboard(
  snapshot: () => DashboardSnapshot,
  options: DashboardOptions,
): Promise<DashboardServer> {
  const streams = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (request.method !== 'GET') {
      response.writeHead(405).end();
    } else if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(DASHBOARD_PAGE);
    } else if (path === '/api/snapshot') {
      response
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(snapshot()));
    } else if (path === '/api/events') {
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      response.write(`data: ${JSON.stringify(snapshot())}\n\n`);
      streams.add(response);
      request.on('close', () => streams.delete(response));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`no such page: ${path}\n`);
    }
  });
  const timer = setInterval(() => {
    if (streams.size === 0) return;
    const event = `data: ${JSON.stringify(snapshot())}\n\n`;
    for (const stream of streams) stream.write(event);
  }, options.intervalMs ?? 500);
  timer.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
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
