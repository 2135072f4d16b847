/** cassflow's exit codes (docs/cli.md): scripts may rely on them. */
export const EXIT = {
  ok: 0,
  /** The command ran and the work failed: records failed for good, a check did not hold. */
  failed: 1,
  /** The command line, the pipeline file or the configuration is wrong: nothing was done. */
  usage: 2,
  /** A server did not answer (or, for `local status`, a local server is stopped). */
  unreachable: 3,
} as const;
