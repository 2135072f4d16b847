import { type EngineOptions, KinesisEngine } from './kinesis-engine.ts';
import { putActions } from './put-actions.ts';
import { readActions } from './read-actions.ts';
import { shardActions } from './shard-actions.ts';
import { streamActions } from './stream-actions.ts';

/** cassflow's local Kinesis: every operation cassflow (and a Kinesis producer) uses. */
export function createKinesisEngine(options: EngineOptions): KinesisEngine {
  return new KinesisEngine(options, {
    ...streamActions,
    ...shardActions,
    ...putActions,
    ...readActions,
  });
}
