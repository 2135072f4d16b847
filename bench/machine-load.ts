import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** Above this, the CPUs are too busy for figures worth quoting. */
export const BUSY_PERCENT = 25;

/** Linux counts process CPU time in ticks of 1/100 s (USER_HZ) on every common build. */
const TICKS_PER_MS = 0.1;

function machineTimes() {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    busy += all - times.idle;
    total += all;
  }
  return { busy, total };
}

/**
 * CPU ticks of every process except this bench and Cassandra (whose background work, such as
 * flushing after a table drop, the bench causes itself); undefined without Linux's /proc.
 */
function otherProcessTicks(): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
  } catch {
    return undefined;
  }
  let ticks = 0;
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('CassandraDaemon')) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // After the ")" closing the command name: state is field 3, utime and stime 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended while we looked.
    }
  }
  return ticks;
}

export type CpuSample = {
  /** The whole machine, 0–100 % of all cores. */
  machinePercent: number;
  /** Processes other than the bench and Cassandra (the whole machine without /proc). */
  otherPercent: number;
};

/** How busy the CPUs are over `ms` while the bench itself waits. */
export async function sampleCpu(ms = 1500): Promise<CpuSample> {
  const before = machineTimes();
  const otherBefore = otherProcessTicks();
  const start = performance.now();
  await sleep(ms);
  const elapsed = performance.now() - start;
  const after = machineTimes();
  const otherAfter = otherProcessTicks();
  const total = after.total - before.total;
  const machinePercent = total > 0 ? ((after.busy - before.busy) / total) * 100 : 0;
  const capacity = elapsed * TICKS_PER_MS * os.cpus().length;
  const otherPercent =
    otherBefore === undefined || otherAfter === undefined
      ? machinePercent
      : Math.max(0, ((otherAfter - otherBefore) / capacity) * 100);
  return { machinePercent, otherPercent };
}

/** How busy the whole machine's CPUs were (0–100 % of all cores) while `run` ran. */
export async function busyWhile<T>(
  run: () => Promise<T>,
): Promise<{ value: T; busyPercent: number }> {
  const before = machineTimes();
  const value = await run();
  const after = machineTimes();
  const total = after.total - before.total;
  return { value, busyPercent: total > 0 ? ((after.busy - before.busy) / total) * 100 : 0 };
}

/**
 * Waits (up to `maxMs`) for the CPUs to calm down, e.g. for Cassandra to finish flushing after
 * the previous run dropped its tables, so one run's aftermath does not slow the next.
 */
export async function settle(maxMs = 10_000): Promise<CpuSample & { waitedMs: number }> {
  const start = performance.now();
  let sample = await sampleCpu(500);
  while (sample.machinePercent > BUSY_PERCENT && performance.now() - start < maxMs) {
    sample = await sampleCpu(500);
  }
  return { ...sample, waitedMs: performance.now() - start };
}
