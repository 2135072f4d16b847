import { BUSY_PERCENT, settle } from './machine-load.ts';

/** Before a timed run: waits for the CPUs to calm down, and says so when that took a while. */
export async function settleQuietly(progress: (line: string) => void): Promise<void> {
  const { waitedMs, machinePercent } = await settle();
  if (waitedMs > 1000) {
    const still = machinePercent > BUSY_PERCENT ? `, still ${machinePercent.toFixed(0)}% busy` : '';
    progress(`waited ${(waitedMs / 1000).toFixed(1)} s for the CPUs to settle${still}`);
  }
}
