import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { progressLine } from '../../cli/progress.ts';
import { summaryLine } from '../../cli/send-report.ts';
import { parseTimeArg } from '../../cli/time-arg.ts';
import { collectOutput } from '../helpers/collect-output.ts';

describe('cassflow command line', () => {
  it('prints help listing the commands and the settings', async () => {
    const { out, info } = collectOutput();
    expect(await main(['--help'], out)).toBe(0);
    const text = info.join('\n');
    for (const command of [
      'local up',
      'down',
      'status',
      'schema apply',
      'query',
      'send',
      'smoke',
    ]) {
      expect(text).toContain(command);
    }
    expect(text).toContain('AWS_ENDPOINT_URL_KINESIS');
  });

  it('prints the help for no arguments at all, and the version', async () => {
    const bare = collectOutput();
    expect(await main([], bare.out)).toBe(0);
    expect(bare.info.join('\n')).toMatch(/Usage: cassflow/);

    const version = collectOutput();
    expect(await main(['--version'], version.out)).toBe(0);
    expect(version.info).toEqual(['cassflow 0.1.0']);
  });

  it('lists the options of a subcommand with --help', async () => {
    const up = collectOutput();
    expect(await main(['local', 'up', '--help'], up.out)).toBe(0);
    expect(up.info.join('\n')).toMatch(/Usage: cassflow local up[\s\S]*--fresh/);

    const local = collectOutput();
    expect(await main(['local', '--help'], local.out)).toBe(0);
    for (const sub of ['up', 'install', 'down', 'status']) {
      expect(local.info.join('\n')).toMatch(new RegExp(`^  ${sub}\\b`, 'm'));
    }

    const send = collectOutput();
    expect(await main(['send', '--help'], send.out)).toBe(0);
    for (const option of ['--stream', '--file', '--generate', '--rate', '--partition-key']) {
      expect(send.info.join('\n')).toContain(option);
    }

    const query = collectOutput();
    expect(await main(['help', 'query'], query.out)).toBe(0);
    expect(query.info.join('\n')).toMatch(/--pipeline <name>[\s\S]*--from <time>/);
  });

  it('rejects an unknown command with exit code 2', async () => {
    const { out, error } = collectOutput();
    expect(await main(['deploy-everything'], out)).toBe(2);
    expect(error.join('\n')).toMatch(/unknown command 'deploy-everything'/i);
    expect(error.join('\n')).toMatch(/cassflow --help/);
  });

  it('rejects an unknown subcommand and unknown flags as usage errors', async () => {
    const first = collectOutput();
    expect(await main(['local', 'sideways'], first.out)).toBe(2);
    expect(first.error.join('\n')).toMatch(/unknown command 'sideways'/i);
    expect(first.error.join('\n')).toMatch(/cassflow local --help/);

    const second = collectOutput();
    expect(await main(['local', 'up', '--turbo'], second.out)).toBe(2);
    expect(second.error.join('\n')).toMatch(/--turbo/);

    const missing = collectOutput();
    expect(await main(['local'], missing.out)).toBe(2);
    expect(missing.error.join('\n')).toMatch(/Usage: cassflow local/);
  });

  it('reports a bad setting as a configuration error naming the variable', async () => {
    const { out, error } = collectOutput();
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
    const { out, error } = collectOutput();
    expect(await main(['smoke', '--records', 'lots'], out)).toBe(2);
    expect(error.join('\n')).toMatch(/'--records <n>' argument 'lots' is invalid/);
    expect(error.join('\n')).toMatch(/must be a whole number from 1 to 100000/);
  });

  it('names the option of a bad number or time, with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['send', '--stream', 's', '--generate', '-5'], /'--generate <n>' argument '-5'/],
      [['send', '--stream', 's', '--generate', '10', '--rate', 'fast'], /'--rate <r>'.*'fast'/],
      [['send', '--stream', 's', '--concurrency', '0'], /'--concurrency <n>'.*from 1 to 64/],
      [['query', '--pipeline', 'p', '--from', 'yesterday'], /'--from <time>'.*not a time/],
    ];
    for (const [args, message] of cases) {
      const { out, error } = collectOutput();
      expect(await main(args, out), args.join(' ')).toBe(2);
      expect(error.join('\n')).toMatch(message);
    }
  });

  it('refuses a query that would hold the whole window table in memory, unless --all says so', async () => {
    const { out, error } = collectOutput();
    expect(await main(['query', '--pipeline', 'page_views'], out)).toBe(2);
    expect(error.join('\n')).toMatch(/without --key the whole window table is read .* add --all/);
  });

  it('refuses send options that do not go together', async () => {
    const both = collectOutput();
    expect(await main(['send', '--stream', 's', '--file', 'x', '--generate', '5'], both.out)).toBe(
      2,
    );
    expect(both.error.join('\n')).toMatch(/'--file <path>' cannot be used with option '--generate/);

    const keys = collectOutput();
    expect(await main(['send', '--stream', 's', '--keys', '3'], keys.out)).toBe(2);
    expect(keys.error.join('\n')).toMatch(/--keys applies only with --generate/);

    const noStream = collectOutput();
    expect(await main(['send', '--generate', '5'], noStream.out)).toBe(2);
    expect(noStream.error.join('\n')).toMatch(/required option '--stream <name>'/);

    const noFile = collectOutput();
    expect(await main(['send', '--stream', 's', '--file', '/no/such.jsonl'], noFile.out)).toBe(2);
    expect(noFile.error.join('\n')).toMatch(/cannot read '\/no\/such.jsonl' \(ENOENT\)/);
  });
});

describe('command line values and lines', () => {
  const now = Date.UTC(2026, 0, 2, 12);

  it('reads times as dates, date-times, epoch ms, now and durations before now', () => {
    expect(parseTimeArg('2026-01-01', now)).toBe(Date.UTC(2026, 0, 1));
    expect(parseTimeArg('2026-01-01T10:00Z', now)).toBe(Date.UTC(2026, 0, 1, 10));
    expect(parseTimeArg('1767225600000', now)).toBe(1767225600000);
    expect(parseTimeArg('now', now)).toBe(now);
    expect(parseTimeArg('-2h', now)).toBe(now - 7_200_000);
    expect(() => parseTimeArg('2026-01-01T10:00', now)).toThrow(/not a time/);
  });

  it('draws a progress line with a bar only when the total is known', () => {
    const figures = { sent: 2500, retried: 40, failed: 0 };
    expect(progressLine(figures, 10_000, 2000)).toBe(
      '[######------------------] 2,500/10,000 sent  1,250 rec/s  40 retried',
    );
    expect(progressLine({ ...figures, failed: 3 }, undefined, 1000)).toBe(
      '2,500 sent  2,500 rec/s  40 retried  3 failed',
    );
  });

  it('sums a send up with sent, retried, failed and invalid', () => {
    const summary = { sent: 900, retried: 12, failed: 1, invalid: 2, calls: 5, rejectedCalls: 1 };
    expect(summaryLine('clicks', summary, 1500)).toBe(
      'Sent 900 records to stream clicks in 1.5 s (600 rec/s): 12 retried, 1 failed, 2 invalid ' +
        '(5 PutRecords calls, 1 refused whole)',
    );
  });
});
