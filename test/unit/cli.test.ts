import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';

function collect() {
  const info: string[] = [];
  const error: string[] = [];
  return {
    out: { info: (l: string) => info.push(l), error: (l: string) => error.push(l) },
    info,
    error,
  };
}

describe('cassflow command line', () => {
  it('prints help listing the commands', async () => {
    const { out, info } = collect();
    expect(await main(['--help'], out)).toBe(0);
    for (const command of ['local up', 'local down', 'local status', 'schema apply', 'smoke']) {
      expect(info.join('\n')).toContain(command);
    }
  });

  it('rejects an unknown command with exit code 2', async () => {
    const { out, error } = collect();
    expect(await main(['deploy-everything'], out)).toBe(2);
    expect(error.join('\n')).toMatch(/Unknown command 'deploy-everything'/);
  });

  it('rejects an unknown subcommand and unknown flags as usage errors', async () => {
    const first = collect();
    expect(await main(['local', 'sideways'], first.out)).toBe(2);
    expect(first.error.join('\n')).toMatch(/takes install, up, down or status \(got 'sideways'\)/);

    const second = collect();
    expect(await main(['local', 'up', '--turbo'], second.out)).toBe(2);
    expect(second.error.join('\n')).toMatch(/--turbo/);
  });

  it('reports a bad setting as a configuration error naming the variable', async () => {
    const { out, error } = collect();
    const saved = process.env.CASSANDRA_PORT;
    process.env.CASSANDRA_PORT = 'ninety';
    try {
      expect(await main(['local', 'status'], out)).toBe(2);
    } finally {
      if (saved === undefined) delete process.env.CASSANDRA_PORT;
      else process.env.CASSANDRA_PORT = saved;
    }
    expect(error.join('\n')).toMatch(/Configuration error: CASSANDRA_PORT: must be a port number/);
  });

  it('validates --records of the smoke run before starting anything', async () => {
    const { out, error } = collect();
    expect(await main(['smoke', '--records', 'lots'], out)).toBe(2);
    expect(error.join('\n')).toMatch(/--records must be a whole number/);
  });
});
