import { resolveConfig } from '#lib/config/config';
import { runSmoke } from '#lib/local/smoke-run';
import { localDown, localUp } from '#lib/local/stack';
import { parseFlags } from '../args.ts';
import { type Output, UsageError } from '../output.ts';
import { describe } from './local.ts';

export async function smokeCommand(args: string[], out: Output): Promise<number> {
  const { values } = parseFlags(args, {
    records: { type: 'string' },
    keep: { type: 'boolean' },
  });
  const records = Number(values.records ?? 200);
  if (!Number.isInteger(records) || records < 1 || records > 100_000) {
    throw new UsageError(
      `--records must be a whole number from 1 to 100000 (got '${values.records}')`,
    );
  }
  const config = resolveConfig(process.env);
  const started = Date.now();
  const stack = await localUp(config, process.env, out.info);
  out.info(describe('Cassandra', stack.cassandra));
  out.info(describe('Kinesis  ', stack.kinesis));
  try {
    const result = await runSmoke(config, out.info, records);
    out.info(
      `Smoke run ${result.runId} passed: ${result.put} put, ${result.read} read back, ` +
        `${result.checkpointsAdvanced} checkpoint(s) advanced, in ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return 0;
  } finally {
    if (!values.keep) {
      const which = {
        cassandra: stack.cassandra.state === 'started',
        kinesis: stack.kinesis.state === 'started',
      };
      if (which.cassandra || which.kinesis) {
        await localDown(config, which);
        out.info('Stopped the servers this run started (use --keep to leave them up)');
      }
    }
  }
}
