import { gunzipSync } from 'node:zlib';
import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type pg from 'pg';

type Row = Record<string, unknown>;

/** Every row of a PostgreSQL table. */
export async function postgresRows(pool: pg.Pool, table: string): Promise<Row[]> {
  return (await pool.query(`SELECT * FROM public."${table}"`)).rows;
}

/** Every item of a DynamoDB table, numbers kept as their exact digits. */
export async function dynamoRows(ddb: DynamoDBClient, table: string): Promise<Row[]> {
  const rows: Row[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new ScanCommand({
        TableName: table,
        ...(start ? { ExclusiveStartKey: start as never } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const plain = unmarshall(item, { wrapNumbers: true }) as Row;
      for (const [k, v] of Object.entries(plain)) {
        if (v && typeof v === 'object' && 'value' in v)
          plain[k] = String((v as { value: string }).value);
      }
      rows.push(plain);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return rows;
}

/** Every line of every gzipped JSON Lines object under the prefix, and how many objects. */
export async function s3Rows(
  s3: S3Client,
  bucket: string,
  prefix: string,
): Promise<{ rows: Row[]; objects: string[] }> {
  const objects: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    objects.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
    token = page.NextContinuationToken;
  } while (token);
  const rows: Row[] = [];
  for (const key of objects) {
    const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = gunzipSync(
      Buffer.from((await body.Body?.transformToByteArray()) ?? []),
    ).toString();
    for (const line of text.split('\n')) if (line) rows.push(JSON.parse(line) as Row);
  }
  return { rows, objects };
}
