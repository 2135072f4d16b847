import type { CaseResult } from './harness.ts';
import { textTable } from './stats.ts';

export type Machine = { cpus: number; cpuModel: string; memoryGiB: number; node: string };

/** The summary after all cases: every ratio against its baseline, and the targets met or not. */
export function printResults(results: readonly CaseResult[], machine: Machine, seconds: number) {
  const rows = results.flatMap((r) =>
    r.ratios.map((ratio) => [
      ratio.name,
      `${ratio.value.toFixed(2)}x`,
      ratio.target === undefined ? '' : `${ratio.atMost ? '<= ' : ''}${ratio.target}x`,
      ratio.target === undefined
        ? ''
        : (ratio.atMost ? ratio.value <= ratio.target : ratio.value >= ratio.target)
          ? 'met'
          : 'NOT met',
    ]),
  );
  console.log(
    `\nRatios (each against a baseline measured in this run) on ${machine.cpus} x ` +
      `${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}; ` +
      `${(seconds / 60).toFixed(1)} minutes in all\n`,
  );
  console.log(textTable(['ratio', 'measured', 'target', ''], rows));
}
