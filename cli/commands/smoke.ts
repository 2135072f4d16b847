import { Command } from 'commander';
import { resolveConfig } from '#lib/config/config';
import { runSmoke } from '#lib/demo/smoke-run';
import { localDown, localUp, startedServices } from '#lib/stack/stack';
import { wholeNumber } from '../option-values.ts';
import type { CommandOutput } from '../output.ts';
import { describeStack } from './local.ts';

/** `cassflow smoke [--records N] [--keep]`: a quick check that the local stack works end to end. */
export function smokeCommand(out: CommandOutput): Command {
  return new Command('smoke')
    .summary('a quick check that the local stack works: put, read back, checkpoint')
    .description(
      'End-to-end check: start the local stack if needed, apply the schema, put records into ' +
        'Kinesis, read them back per shard from the stored checkpoints, and advance the ' +
        'checkpoints with conditional writes. Stops what it started unless --keep is given.',
    )
    .option('--records <n>', 'how many records to put (1 to 100000)', wholeNumber(1, 100_000), 200)
    .option('--keep', 'leave the servers this run started running')
    .action(async (options: { records: number; keep?: boolean }) => {
      const config = resolveConfig(process.env);
      const started = Date.now();
      const stack = await localUp(config, process.env, out.info);
      for (const line of describeStack(stack)) out.info(line);
      try {
        const result = await runSmoke(config, out.info, options.records);
        out.result({ passed: true, ...result, ms: Date.now() - started });
        out.info(
          `Smoke run ${result.runId} passed: ${result.put} put, ${result.read} read back, ` +
            `${result.checkpointsAdvanced} checkpoint(s) advanced, in ` +
            `${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
      } finally {
        if (!options.keep) {
          const which = startedServices(stack);
          if (Object.keys(which).length > 0) {
            await localDown(config, which);
            out.info('Stopped the servers this run started (use --keep to leave them up)');
          }
        }
      }
    });
}
