import { parseArgs } from 'node:util';
import { createKinesisEngine } from './create-engine.ts';
import { kinesisHttpServer } from './http-server.ts';
import { KINESIS_SHARD_LIMITS } from './shard-throughput.ts';

/**
 * The local Kinesis server process: `node main.ts --host 127.0.0.1 --port 4568`. Per-shard rate
 * limits are on unless `--no-limits`; the stream state times default to instant.
 */
const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '4568' },
    region: { type: 'string', default: process.env.AWS_REGION ?? 'us-east-1' },
    'shard-limit': { type: 'string', default: '1000' },
    'max-records-per-shard': { type: 'string', default: '2000000' },
    'no-limits': { type: 'boolean', default: false },
    'create-ms': { type: 'string', default: '0' },
    'delete-ms': { type: 'string', default: '0' },
    'update-ms': { type: 'string', default: '0' },
  },
});

const engine = createKinesisEngine({
  region: values.region,
  account: '000000000000',
  shardLimit: Number(values['shard-limit']),
  maxRecordsPerShard: Number(values['max-records-per-shard']),
  limits: values['no-limits'] ? undefined : KINESIS_SHARD_LIMITS,
  createMs: Number(values['create-ms']),
  deleteMs: Number(values['delete-ms']),
  updateMs: Number(values['update-ms']),
});
const server = kinesisHttpServer(engine);
server.listen(Number(values.port), values.host, () => {
  console.log(`cassflow local Kinesis listening on http://${values.host}:${values.port}`);
});
// Streams nobody writes or reads still let go of expired records.
setInterval(() => engine.expireAll(), 60_000).unref();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
