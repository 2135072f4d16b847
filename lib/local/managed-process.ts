import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A server process cassflow started in the background: its pid file and its log. */
export type ManagedProcess = {
  /** What to call it in messages, e.g. "Cassandra". */
  name: string;
  pidFile: string;
  logFile: string;
  /** A word of the process's command line, so a reused pid is not taken for ours. */
  commandMarker: string;
};

/** The pid of the running process named in the pid file, or undefined. */
export function findRunningPid(proc: ManagedProcess): number | undefined {
  if (!existsSync(proc.pidFile)) return undefined;
  const pid = Number(readFileSync(proc.pidFile, 'utf8').trim());
  if (
    Number.isInteger(pid) &&
    pid > 0 &&
    isAlive(pid) &&
    commandLineOf(pid).includes(proc.commandMarker)
  ) {
    return pid;
  }
  rmSync(proc.pidFile, { force: true });
  return undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch {
    return false;
  }
}

function isZombie(pid: number): boolean {
  try {
    return /\)\s+Z\s/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Starts the command detached from this process, its output appended to the log file. */
export function startDetached(
  proc: ManagedProcess,
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): number {
  const log = openSync(proc.logFile, 'a');
  try {
    // Each start is marked in the log, so its end says which run it belongs to even before the
    // server has printed anything.
    writeSync(
      log,
      `--- cassflow started ${proc.name} at ${new Date().toISOString()}: ${command} ${args.join(' ')}\n`,
    );
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error(`${proc.name}: could not start '${command}'`);
    child.unref();
    writeFileSync(proc.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

export type ReadyOutcome = 'ready' | 'exited' | 'timeout';

/** Polls `isReady` until it says yes, the process dies, or the time is up. */
export async function waitUntilReady(
  pid: number,
  isReady: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 500,
): Promise<ReadyOutcome> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'exited';
    if (await isReady()) return 'ready';
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
  return 'timeout';
}

/** SIGTERM, then SIGKILL after the grace period. Resolves once the process is gone. */
export async function stopProcess(pid: number, graceMs: number): Promise<'stopped' | 'killed'> {
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await sleep(200);
  }
  signalGroup(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(100);
  return 'killed';
}

/** Detached children lead their own process group: signal the group, then the pid. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // already gone
    }
  }
}

/** The last `count` lines of a file (empty when the file does not exist). */
export function tailFile(path: string, count = 25): string {
  if (!existsSync(path)) return '(no log written)';
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  return lines.slice(-count).join('\n');
}

/**
 * A local server's process files in its folder `home`: `<file>.pid` and `<file>.log`; the process
 * is found again by `commandMarker` in its command line.
 */
export function processIn(
  home: string,
  name: string,
  file: string,
  commandMarker: string,
): ManagedProcess {
  return {
    name,
    pidFile: join(home, `${file}.pid`),
    logFile: join(home, `${file}.log`),
    commandMarker,
  };
}
