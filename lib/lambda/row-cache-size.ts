import { type Env, readString } from '../config/env-values.ts';

/** The share of a function's memory its remembered rows may take. */
const SHARE = 1 / 16;
const MIB = 1024 * 1024;
/** When the function's memory is not known (outside Lambda): as at cassflow's 1,024 MB default. */
const DEFAULT_MEMORY_MB = 1024;

/**
 * What a container's row cache may hold: a sixteenth of the function's memory (Lambda sets
 * AWS_LAMBDA_FUNCTION_MEMORY_SIZE, in MB): 64 MiB at 1,024 MB, 8 MiB at 128 MB.
 */
export function rowCacheBytes(env: Env): number {
  const memory = Number(readString(env, 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE'));
  const mb = Number.isFinite(memory) && memory > 0 ? memory : DEFAULT_MEMORY_MB;
  return Math.floor(mb * MIB * SHARE);
}
