import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  type SyncPage,
  type SyncRow,
  type SyncSchema,
  type SyncTarget,
  SyncTargetError,
} from '../target.ts';
import { itemOf } from './dynamodb-item.ts';
import { dynamoDbItemProblem } from './dynamodb-limits.ts';

/** BatchWriteItem takes at most 25 puts; a page's batches are sent this many at a time. */
const BATCH = 25;
const BATCHES_IN_FLIGHT = 8;
const MAX_ATTEMPTS = 10;

/**
 * Puts every row as an item keyed by `pk` (the partition key columns) and `sk` (the clustering
 * columns), 25 per BatchWriteItem, sending UnprocessedItems again with backoff. Puts replace
 * whole items, so a replayed page changes nothing. The table is created (on demand) if missing.
 */
export class DynamoDbTarget implements SyncTarget {
  readonly describe: string;
  readonly #ddb: DynamoDBClient;
  readonly #table: string;
  #schema: SyncSchema | undefined;

  constructor(ddb: DynamoDBClient, table: string) {
    this.#ddb = ddb;
    this.#table = table;
    this.describe = `dynamodb table ${table}`;
  }

  async prepare(schema: SyncSchema): Promise<void> {
    try {
      const found = await this.#ddb.send(new DescribeTableCommand({ TableName: this.#table }));
      const types = new Map(
        (found.Table?.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]),
      );
      const key = (found.Table?.KeySchema ?? []).map(
        (k) => `${k.AttributeName} ${k.KeyType} ${types.get(k.AttributeName ?? '')}`,
      );
      // Else every put would be refused as if each row were at fault, and all become rejects.
      if (key.join(', ') !== 'pk HASH S, sk RANGE S') {
        throw new SyncTargetError(
          this.describe,
          `has key (${key.join(', ')}), but sync writes items keyed pk (HASH, string) and sk (RANGE, string)`,
        );
      }
    } catch (error) {
      if (error instanceof SyncTargetError) throw error;
      if (!(error instanceof ResourceNotFoundException)) {
        throw new SyncTargetError(this.describe, `cannot be reached: ${(error as Error).message}`, {
          cause: error,
        });
      }
      await this.#create();
    }
    this.#schema = schema;
  }

  async #create(): Promise<void> {
    await this.#ddb.send(
      new CreateTableCommand({
        TableName: this.#table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    for (let i = 0; i < 120; i++) {
      const table = await this.#ddb.send(new DescribeTableCommand({ TableName: this.#table }));
      if (table.Table?.TableStatus === 'ACTIVE') return;
      await sleep(500);
    }
    throw new SyncTargetError(this.describe, 'was created but did not become ACTIVE in 60 s');
  }

  /** DynamoDB's key, number and item size limits, measured as DynamoDB does (UTF-8 bytes). */
  reject(row: SyncRow): string | undefined {
    const schema = this.#schema;
    if (!schema) throw new Error('prepare() first');
    return dynamoDbItemProblem(itemOf(schema, row));
  }

  async write(page: SyncPage): Promise<number> {
    const schema = this.#schema;
    if (!schema) throw new Error('prepare() first');
    const batches: WriteRequest[][] = [];
    for (let from = 0; from < page.rows.length; from += BATCH) {
      batches.push(
        page.rows
          .slice(from, from + BATCH)
          .map((row) => ({ PutRequest: { Item: itemOf(schema, row) } })),
      );
    }
    // A page's batches go out side by side: each put is keyed, so their order does not matter.
    let next = 0;
    const sender = async () => {
      for (let i = next++; i < batches.length; i = next++) {
        await this.#send(batches[i] as WriteRequest[], page);
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCHES_IN_FLIGHT, batches.length) }, sender));
    return page.rows.length;
  }

  /** One BatchWriteItem, sending what comes back unprocessed again with backoff. */
  async #send(batch: WriteRequest[], page: SyncPage): Promise<void> {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) {
        throw new SyncTargetError(
          this.describe,
          `${pending.length} item(s) of range ${page.rangeId} page ${page.page} still unprocessed after ${MAX_ATTEMPTS} attempts`,
        );
      }
      if (attempt > 1) await sleep(Math.random() * Math.min(5000, 50 * 2 ** attempt));
      try {
        const result = await this.#ddb.send(
          new BatchWriteItemCommand({ RequestItems: { [this.#table]: pending } }),
        );
        pending = result.UnprocessedItems?.[this.#table] ?? [];
      } catch (error) {
        if ((error as { $retryable?: unknown }).$retryable) continue;
        const message = (error as Error).message;
        // An item DynamoDB refuses makes it refuse the whole batch with a ValidationException.
        const refused = (error as Error).name === 'ValidationException';
        throw new SyncTargetError(this.describe, `BatchWriteItem failed: ${message}`, {
          cause: error,
          ...(refused ? { rowFault: `DynamoDB refused the item: ${message}` } : {}),
        });
      }
    }
  }

  async close(): Promise<void> {
    this.#ddb.destroy();
  }
}
