import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '#lib/config/config';
import { main } from '../../cli/main.ts';
import { unreachableServer } from '../../cli/unreachable-server.ts';
import { collectOutput } from '../helpers/collect-output.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'cassflow.js');
const exec = promisify(execFile);

const saved = { ...process.env };
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});

function pipelineFile(text: string): string {
  // Inside the checkout, where `import ... from 'cassflow'` resolves (as in a user's project).
  mkdirSync(join(ROOT, '.cache'), { recursive: true });
  const file = join(mkdtempSync(join(ROOT, '.cache', 'cli-test-')), 'pipeline.ts');
  writeFileSync(file, text);
  return file;
}

/** A port nothing listens on: one the system just gave out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const BAD_WINDOW = `import { count, definePipeline, tumbling } from 'cassflow';

export default definePipeline({
  name: 'bad', source: { stream: 's' }, key: 'k', time: 't',
  windows: [tumbling('1x')],
  aggregates: { n: count() },
});
`;

/** The command as a user runs it: Node loads the pipeline file itself (no test runner between). */
async function cassflow(...args: string[]) {
  try {
    await exec(process.execPath, [BIN, ...args], { cwd: ROOT });
    return { code: 0, stderr: '' };
  } catch (error) {
    const { code, stderr } = error as { code: number; stderr: string };
    return { code, stderr: stderr.trim() };
  }
}

describe('a pipeline file that cannot load', () => {
  it('is named with the line and column of the mistake, exit code 2', async () => {
    const file = pipelineFile(BAD_WINDOW);
    const { code, stderr } = await cassflow('query', '--pipeline', file, '--all');
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^\.cache\/cli-test-\w+\/pipeline\.ts:5:13: WindowSpecError: tumbling\(size\): '1x' is not a valid duration/,
    );
  });

  it('names the line of a syntax error', async () => {
    const file = pipelineFile("import { count } from 'cassflow';\nexport default {{ ;\n");
    const { code, stderr } = await cassflow('run', file);
    expect(code).toBe(2);
    expect(stderr).toMatch(/pipeline\.ts:2: SyntaxError: /);
  });

  it('says when there is no such file, exit code 2', async () => {
    const { out, error } = collectOutput();
    expect(await main(['query', '--pipeline', './no-such-pipeline.ts', '--all'], out)).toBe(2);
    expect(error).toEqual(['no-such-pipeline.ts: no such file']);
  });
});

describe('a server that does not answer', () => {
  it('is named with its address and the fix, exit code 3', async () => {
    process.env.CASSANDRA_CONTACT_POINTS = `127.0.0.1:${await closedPort()}`;
    const { out, error } = collectOutput();
    expect(await main(['query', '--pipeline', 'page_views', '--all'], out)).toBe(3);
    expect(error.join('\n')).toMatch(
      /^cannot reach Cassandra at 127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\)\nWhat to do: start the local stack: cassflow local up$/,
    );
  });

  it('is one JSON object with --json', async () => {
    const port = await closedPort();
    process.env.AWS_ENDPOINT_URL_KINESIS = `http://127.0.0.1:${port}`;
    const failed = collectOutput();
    expect(await main(['send', '--stream', 'x', '--generate', '1', '--json'], failed.out)).toBe(3);
    expect(failed.info).toEqual([]);
    expect(JSON.parse(failed.error.at(-1) as string)).toEqual({
      error: {
        exitCode: 3,
        kind: 'unreachable',
        message: expect.stringContaining(`cannot reach Kinesis at http://127.0.0.1:${port}`),
        fix: 'start the local stack: cassflow local up',
        service: 'Kinesis',
        endpoint: `http://127.0.0.1:${port}`,
      },
    });
  });

  it('is told apart by port: Kinesis, S3, DynamoDB, PostgreSQL', () => {
    const config = resolveConfig({});
    const refused = (port: number) =>
      Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), {
        code: 'ECONNREFUSED',
        address: '127.0.0.1',
        port,
      });
    const wrapped = (port: number) => new Error('request failed', { cause: refused(port) });
    expect(unreachableServer(wrapped(4568), config)?.service).toBe('Kinesis');
    expect(unreachableServer(refused(4569), config)?.service).toBe('S3');
    expect(unreachableServer(refused(8000), config)?.service).toBe('DynamoDB');
    expect(unreachableServer(refused(55432), config)?.endpoint).toBe(
      'postgres://cassflow@127.0.0.1:55432/cassflow',
    );
    expect(unreachableServer(new Error('boom'), config)).toBeUndefined();
  });
});

describe('--json', () => {
  it('prints results as JSON on stdout and the lines for people on stderr', async () => {
    const dir = join(mkdtempSync(join(ROOT, '.cache', 'cli-test-')), 'my-app');
    const { out, info, error } = collectOutput();
    expect(await main(['init', dir, '--json'], out)).toBe(0);
    expect(info.map((line) => JSON.parse(line))).toEqual([
      {
        dir,
        files: [
          'package.json',
          'pipeline.ts',
          'pipeline.test.ts',
          'cdk.json',
          'tsconfig.json',
          '.gitignore',
          'README.md',
        ],
      },
    ]);
    expect(error.join('\n')).toContain('Next: ');
  });

  it('turns a usage error into a JSON failure', async () => {
    const { out, error } = collectOutput();
    expect(await main(['send', '--stream', 'x', '--keys', '3', '--json'], out)).toBe(2);
    expect(JSON.parse(error.at(-1) as string)).toMatchObject({
      error: { exitCode: 2, kind: 'usage', message: '--keys applies only with --generate' },
    });
  });

  it('is an option of every command that runs', async () => {
    const commands = [
      ['init'],
      ['demo'],
      ['local', 'up'],
      ['local', 'down'],
      ['local', 'status'],
      ['local', 'install'],
      ['run'],
      ['top'],
      ['send'],
      ['query'],
      ['dead-letters', 'list'],
      ['dead-letters', 'show'],
      ['dead-letters', 'replay'],
      ['sync'],
      ['schema', 'apply'],
      ['smoke'],
    ];
    for (const command of commands) {
      const { out, info } = collectOutput();
      expect(await main([...command, '--help'], out)).toBe(0);
      expect(info.join('\n'), command.join(' ')).toContain('--json');
    }
  });
});
