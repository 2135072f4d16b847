import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '#lib/config/config';
import { localDown } from '#lib/stack/stack';
import type { CommandOutput } from './output.ts';

const CASSFLOW = fileURLToPath(new URL('../bin/cassflow.js', import.meta.url));

type RunOutcome = { passed: boolean; seconds: number; last: string };

/**
 * One `cassflow demo` in a process of its own, its output passed through (to stderr when this
 * run prints JSON, so stdout holds only the result); the last line kept.
 */
function demoOnce(args: readonly string[], json: boolean): Promise<RunOutcome> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CASSFLOW, 'demo', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let last = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      (json ? process.stderr : process.stdout).write(chunk);
      const lines = chunk.trimEnd().split('\n');
      const demoLine = lines.reverse().find((l) => l.startsWith('Demo passed'));
      if (demoLine) last = demoLine;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ passed: code === 0, seconds: (Date.now() - started) / 1000, last }),
    );
  });
}

/**
 * `cassflow demo --repeat N`: N cold runs of the demo, each in a new process from a stopped stack
 * (servers cassflow started are stopped first; each run starts them and stops them again), then a
 * count of the runs that passed. The exit code says whether all did.
 */
export async function repeatDemo(times: number, args: readonly string[], out: CommandOutput) {
  const outcomes: RunOutcome[] = [];
  for (let i = 1; i <= times; i++) {
    await localDown(resolveConfig(process.env));
    out.info(`--- cold run ${i} of ${times}`);
    const outcome = await demoOnce(args, out.json);
    outcomes.push(outcome);
    out.info(
      `--- cold run ${i} of ${times}: ${outcome.passed ? 'passed' : 'FAILED'} in ${outcome.seconds.toFixed(1)} s`,
    );
  }
  const passed = outcomes.filter((o) => o.passed).length;
  const seconds = outcomes.map((o) => o.seconds).sort((a, b) => a - b);
  out.info(
    `${passed} of ${times} cold runs passed; wall time ${seconds[0]?.toFixed(1)}–${seconds.at(-1)?.toFixed(1)} s ` +
      `(median ${seconds[Math.floor(seconds.length / 2)]?.toFixed(1)} s)`,
  );
  out.result({ runs: times, passed, seconds: outcomes.map((o) => o.seconds) });
  return passed === times;
}
