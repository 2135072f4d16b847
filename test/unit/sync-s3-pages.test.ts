import { gunzipSync } from 'node:zlib';
import type { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3Target } from '#lib/sync/targets/s3-target';

function recordingS3() {
  const puts: { Key?: string; Body?: unknown }[] = [];
  const send = async (command: PutObjectCommand) => {
    puts.push(command.input as { Key?: string; Body?: unknown });
    return {};
  };
  return { s3: { send } as unknown as S3Client, puts };
}

const page = (rows: { id: number }[]) => ({
  job: 'j',
  passId: 'p',
  passStartedAt: Date.UTC(2026, 11, 6),
  rangeId: 7,
  page: 12,
  rows,
});

describe('the S3 target, page by page', () => {
  it('writes an empty page as an empty object, so it replaces what an earlier cut left there', async () => {
    // Prepare: a run wrote page 12 of range 7 with rows, then died before its checkpoint.
    const { s3, puts } = recordingS3();
    const target = new S3Target(s3, 'b', 'exports');
    await target.write(page([{ id: 1 }, { id: 2 }]));

    // Act: the replay's page 12 comes back empty (the store cut it differently).
    const written = await target.write(page([]));

    // Assess
    expect(written).toBe(0);
    expect(puts.map((p) => p.Key)).toEqual([
      'exports/j/dt=2026-12-06/pass=p/range=00007/page=000012.jsonl.gz',
      'exports/j/dt=2026-12-06/pass=p/range=00007/page=000012.jsonl.gz',
    ]);
    expect(gunzipSync(puts[1]?.Body as Buffer).toString()).toBe('');
    expect(gunzipSync(puts[0]?.Body as Buffer).toString()).toBe('{"id":1}\n{"id":2}\n');
  });
});
