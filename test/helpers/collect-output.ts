import type { Output } from '../../cli/output.ts';

/** An Output for calling `main` in-process: every line kept, stdout and stderr apart. */
export function collectOutput(): { out: Output; info: string[]; error: string[] } {
  const info: string[] = [];
  const error: string[] = [];
  return {
    out: { info: (l: string) => info.push(l), error: (l: string) => error.push(l) },
    info,
    error,
  };
}
