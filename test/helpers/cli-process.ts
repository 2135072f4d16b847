import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `cassflow <args>` as its own process, its output lines collected as they come. */
export type CliProcess = {
  child: ChildProcess;
  lines: string[];
  /** The first `--json` result line that has `field`. */
  result<T>(field: string, timeoutMs: number): Promise<T>;
  /** Ctrl-C, then the exit code once its output has ended. */
  interrupt(): Promise<number | null>;
};

export function cliProcess(args: string[], env: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, ['bin/cassflow.js', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    // A chunk may end mid-line: the rest waits for the next chunk (or the end).
    let partial = '';
    stream?.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
    });
    stream?.on('end', () => {
      if (partial) lines.push(partial);
    });
  }
  const closed = once(child, 'close');
  return {
    child,
    lines,
    async result<T>(field: string, timeoutMs: number): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (const line of lines) {
          if (!line.startsWith('{')) continue;
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (field in parsed) return parsed[field] as T;
        }
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`cassflow ${args.join(' ')} gave no '${field}':\n${lines.join('\n')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async interrupt() {
      if (child.exitCode === null) child.kill('SIGINT');
      const [code] = await closed;
      return code as number | null;
    },
  };
}
