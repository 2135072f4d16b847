import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  type SyncPage,
  type SyncRow,
  type SyncSchema,
  type SyncTarget,
  SyncTargetError,
} from '../target.ts';
import { jsonLine, jsonLineOf } from './json-row.ts';

// The thread pool compresses, so the event loop goes on reading pages meanwhile.
const gzipAsync = promisify(gzip);

/**
 * Writes each page as one gzipped JSON Lines object, partitioned by the pass's UTC date and named
 * after the pass, range and page:
 * `<prefix>/<job>/dt=2026-11-25/pass=<id>/range=00007/page=000012.jsonl.gz`. A page written
 * again overwrites its object, so a replayed page adds nothing, even when the store cuts it
 * differently the second time.
 */
export class S3Target implements SyncTarget {
  readonly describe: string;
  readonly #s3: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #createIfMissing: boolean;
  #lineOf: (row: SyncRow) => string = jsonLine;

  /** `createIfMissing` is for the local S3 server; on AWS a missing bucket is an error. */
  constructor(
    s3: S3Client,
    bucket: string,
    prefix = '',
    options: { createIfMissing?: boolean } = {},
  ) {
    this.#s3 = s3;
    this.#createIfMissing = options.createIfMissing ?? false;
    this.#bucket = bucket;
    this.#prefix = prefix.replace(/^\/+|\/+$/g, '');
    this.describe = `s3://${bucket}${this.#prefix ? `/${this.#prefix}` : ''}`;
  }

  async prepare(schema: SyncSchema): Promise<void> {
    this.#lineOf = jsonLineOf(schema.columns);
    try {
      await this.#s3.send(new HeadBucketCommand({ Bucket: this.#bucket }));
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata
        ?.httpStatusCode;
      if (status === 404 && this.#createIfMissing) {
        await this.#s3.send(new CreateBucketCommand({ Bucket: this.#bucket }));
        return;
      }
      const problem =
        status === 404
          ? `bucket ${this.#bucket} does not exist`
          : status === 403
            ? `no access to bucket ${this.#bucket}`
            : `cannot reach bucket ${this.#bucket}: ${(error as Error).message}`;
      throw new SyncTargetError(this.describe, problem, { cause: error });
    }
  }

  /** The object a page goes to. */
  keyOf(page: SyncPage): string {
    const dt = new Date(page.passStartedAt).toISOString().slice(0, 10);
    const name =
      `${page.job}/dt=${dt}/pass=${page.passId}/` +
      `range=${String(page.rangeId).padStart(5, '0')}/page=${String(page.page).padStart(6, '0')}.jsonl.gz`;
    return this.#prefix ? `${this.#prefix}/${name}` : name;
  }

  async write(page: SyncPage): Promise<number> {
    // An empty page is written too (an empty object): its replay must replace what an earlier
    // run wrote under the same page number, since pages may be cut differently the second time
    // (Amazon Keyspaces cuts at 1 MB read and may return empty pages with more to come).
    const text = page.rows.map((row) => `${this.#lineOf(row)}\n`).join('');
    const body = await gzipAsync(text);
    try {
      await this.#s3.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: this.keyOf(page),
          Body: body,
          ContentType: 'application/x-ndjson',
          ContentEncoding: 'gzip',
        }),
      );
    } catch (error) {
      throw new SyncTargetError(
        this.describe,
        `put of ${this.keyOf(page)} failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    return page.rows.length;
  }

  async close(): Promise<void> {
    this.#s3.destroy();
  }
}
