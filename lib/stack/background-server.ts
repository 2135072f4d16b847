import { mkdirSync, writeFileSync } from 'node:fs';
import type { CassflowConfig } from '../config/config.ts';
import type { Env } from '../config/env-values.ts';
import { PortInUseError, ServerStartError } from './errors.ts';
import {
  findRunningPid,
  type ManagedProcess,
  probeAgain,
  startDetached,
  startLogTail,
  stopProcess,
  waitUntilReady,
  whatToDoIn,
} from './managed-process.ts';
import { isPortFree } from './port-free.ts';
import type { ServiceReport, ServiceStatus } from './service.ts';

/** A server of the local stack that runs as one background process with a quick health check. */
export type BackgroundServer = {
  process: ManagedProcess;
  /** Holds the pid file and the log. */
  home: string;
  /** Where clients reach it, as `local status` shows it. */
  endpoint: string;
  host: string;
  /** The ports it listens on, each with how to move it: "set X to a free port". */
  ports: readonly { port: number; fix: string }[];
  /** One bounded request that succeeds once the server serves. */
  answers: () => Promise<boolean>;
  /** e.g. "an S3 endpoint": what a server there that cassflow did not start is called. */
  foreignKind: string;
  startTimeoutMs: number;
  stopGraceMs: number;
  /** The command to run; called once the ports are known to be free. */
  command: () => { command: string; args: string[]; cwd: string; env: NodeJS.ProcessEnv };
};

/**
 * Starts the server, or finds it running: cassflow's own copy (pid file) or one someone else
 * runs on its port, which is used as it is and never stopped. Waits until it answers.
 */
export async function startBackgroundServer(
  server: BackgroundServer,
  report: (line: string) => void,
): Promise<ServiceReport> {
  const { endpoint, host, process: proc } = server;
  const running = findRunningPid(proc);
  if (running !== undefined) {
    // Possibly still starting (another `local up`): give it its start time before replacing it.
    const outcome = await waitUntilReady(running, server.answers, server.startTimeoutMs, 250);
    if (outcome === 'ready') return { state: 'already-running', endpoint, pid: running };
    if (outcome === 'timeout') await stopProcess(running, server.stopGraceMs);
  }
  const [main] = server.ports;
  const answersThere = () => probeAgain(async () => ((await server.answers()) ? true : undefined));
  if (main && !(await isPortFree(host, main.port)) && (await answersThere())) {
    return {
      state: 'foreign',
      endpoint,
      detail: `${server.foreignKind} not started by cassflow; using it`,
    };
  }
  for (const { port, fix } of server.ports) {
    if (!(await isPortFree(host, port))) {
      throw new PortInUseError(
        proc.name,
        `${host}:${port}`,
        `Stop whatever listens there, ${fix}.`,
      );
    }
  }

  mkdirSync(server.home, { recursive: true });
  writeFileSync(proc.logFile, '');
  const started = Date.now();
  const { command, args, cwd, env } = server.command();
  const pid = startDetached(proc, command, args, { cwd, env });
  const outcome = await waitUntilReady(pid, server.answers, server.startTimeoutMs, 250);
  if (outcome !== 'ready') {
    if (outcome === 'timeout') await stopProcess(pid, server.stopGraceMs);
    const seconds = Math.round(server.startTimeoutMs / 1000);
    const reason =
      outcome === 'exited'
        ? 'exited while starting'
        : `did not answer in ${seconds} s (stopped it)`;
    const fix =
      whatToDoIn(proc.logFile) ??
      (outcome === 'exited'
        ? `read why in the log below, fix that and run \`cassflow local up\` again (\`--fresh\` also wipes the local data)`
        : `this machine may be too busy to start it in ${seconds} s: stop other work, then run \`cassflow local up\` again`);
    throw new ServerStartError(proc.name, reason, fix, proc.logFile, startLogTail(proc.logFile));
  }
  const seconds = (Date.now() - started) / 1000;
  report(`${proc.name} ready on ${endpoint} in ${seconds.toFixed(1)} s (pid ${pid})`);
  return { state: 'started', endpoint, pid, seconds };
}

/** Stops the server if cassflow started it (its pid file names a live process of that command). */
export async function stopBackgroundServer(
  proc: ManagedProcess,
  graceMs: number,
): Promise<ServiceStatus> {
  const pid = findRunningPid(proc);
  if (pid === undefined) return { state: 'stopped' };
  const how = await stopProcess(pid, graceMs);
  const grace = Math.round(graceMs / 1000);
  return {
    state: 'stopped',
    detail: how === 'killed' ? `pid ${pid} killed after ${grace} s` : `pid ${pid} stopped`,
  };
}

/** running/starting when cassflow's copy runs; foreign when someone else's answers there. */
export async function backgroundServerStatus(server: BackgroundServer): Promise<ServiceStatus> {
  const { endpoint } = server;
  const pid = findRunningPid(server.process);
  const answers = await server.answers();
  if (pid === undefined) {
    return answers
      ? { state: 'foreign', endpoint, detail: `${server.foreignKind} not started by cassflow` }
      : { state: 'stopped', endpoint };
  }
  return { state: answers ? 'running' : 'starting', endpoint, pid };
}

/**
 * True when one request, given 3 seconds, succeeds: a port held by something that never answers
 * must not stall `local up`. The client is closed either way.
 */
export async function answersQuickly<C>(
  client: C,
  request: (client: C, signal: AbortSignal) => Promise<unknown>,
  close: (client: C) => unknown,
): Promise<boolean> {
  try {
    await request(client, AbortSignal.timeout(3000));
    return true;
  } catch {
    return false;
  } finally {
    await close(client);
  }
}

/** What `local up|down|status` call for one background server. */
export type ServerControls = {
  start(config: CassflowConfig, env: Env, report: (line: string) => void): Promise<ServiceReport>;
  stop(cacheDir: string): Promise<ServiceStatus>;
  status(config: CassflowConfig): Promise<ServiceStatus>;
};

/** The start, stop and status of a server described by `describe`. */
export function serverControls(
  describe: (config: CassflowConfig, env: Env) => BackgroundServer,
  processOf: (cacheDir: string) => ManagedProcess,
  stopGraceMs: number,
): ServerControls {
  return {
    start: (config, env, report) => startBackgroundServer(describe(config, env), report),
    stop: (cacheDir) => stopBackgroundServer(processOf(cacheDir), stopGraceMs),
    status: (config) => backgroundServerStatus(describe(config, process.env)),
  };
}
