import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WHAT_TO_DO } from '#lib/stack/errors';
import { startLogTail, whatToDoIn } from '#lib/stack/managed-process';

function log(lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cassflow-log-')), 'server.log');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const MARKER = '--- cassflow started Cassandra at 2026-12-04T00:00:00.000Z: java -cp ...';

describe("a server's start log", () => {
  it('keeps the start marker however long the log grew, and says how much it left out', () => {
    const lines = [MARKER, ...Array.from({ length: 1000 }, (_, i) => `INFO line ${i}`)];
    const tail = startLogTail(log(lines), 25).split('\n');
    expect(tail[0]).toBe(MARKER);
    expect(tail[1]).toBe('... (975 lines left out)');
    expect(tail.slice(2)).toEqual(lines.slice(-25));
  });

  it('is whole when it is short', () => {
    const lines = [MARKER, 'INFO one', 'INFO two'];
    expect(startLogTail(log(lines), 25)).toBe(lines.join('\n'));
    expect(startLogTail(log(lines), 2)).toBe(lines.join('\n'));
  });

  it("finds the launcher's last line of what to do", () => {
    const file = log([
      MARKER,
      `${WHAT_TO_DO}first advice`,
      'cassflow: PostgreSQL did not start: initdb failed',
      `${WHAT_TO_DO}create the system user 'postgres'`,
      'LOG:  shutting down',
    ]);
    expect(whatToDoIn(file)).toBe("create the system user 'postgres'");
    expect(whatToDoIn(log([MARKER, 'INFO nothing to say']))).toBeUndefined();
    expect(whatToDoIn(join(tmpdir(), 'no-such-cassflow-log'))).toBeUndefined();
  });
});
