import { existsSync, readFileSync } from 'node:fs';

/**
 * Cassandra's own word on tombstones, from its log: reads over the warn threshold ("Read N live
 * rows and M tombstone cells for query ...") and reads it refused over the failure threshold.
 */
export function countTombstoneLines(logFile: string): { warnings: number; failures: number } {
  if (!existsSync(logFile)) return { warnings: 0, failures: 0 };
  let warnings = 0;
  let failures = 0;
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (/tombstone cells for query/.test(line)) warnings += 1;
    if (/TombstoneOverwhelming|Scanned over \d+ tombstones/.test(line)) failures += 1;
  }
  return { warnings, failures };
}
