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
import { WHAT_TO_DO } from './errors.ts';

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

/**
 * The first answer of up to `tries` probes a second apart: a server someone else runs may be
 * slow to answer on a busy machine, and one miss must not make it a stranger on our port.
 */
export async function probeAgain<T>(
  probe: () => Promise<T | undefined>,
  tries = 3,
): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    const answer = await probe();
    if (answer !== undefined || attempt >= tries) return answer;
    await sleep(1000);
  }
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

/**
 * The end of a server's log: its first line, the marker of this start (the log is emptied at each
 * start), then the last `count` lines.
 */
export function startLogTail(path: string, count = 25): string {
  if (!existsSync(path)) return '(no log written)';
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  if (lines.length <= count + 1) return lines.join('\n');
  const skipped = lines.length - 1 - count;
  return [lines[0], `... (${skipped} lines left out)`, ...lines.slice(-count)].join('\n');
}

/** What the server's launcher said to do about its failure (its last `WHAT_TO_DO` line), if any. */
export function whatToDoIn(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const said = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(WHAT_TO_DO));
  return said.at(-1)?.slice(WHAT_TO_DO.length).trim() || undefined;
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
