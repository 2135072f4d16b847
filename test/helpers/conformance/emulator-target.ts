import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEventSource } from '#lib/emulator/event-source/event-source';
import { IsolatedFunction } from '#lib/emulator/event-source/isolated-function';
import { FailureLog, type FailureRecord } from '#lib/emulator/event-source/on-failure';
import type { EventSourceSettingsInput } from '#lib/emulator/event-source/settings';
import { eventSourceHarness, FAST } from '../event-source-harness.ts';
import type { ConformanceTarget, MappingSettings, ProbeEntry, ProbeMapping } from './target.ts';

const PROBE = fileURLToPath(new URL('./probe-function.mjs', import.meta.url));

/**
 * The suite against cassflow's event-source emulator and the run's local Kinesis, with the probe
 * run in worker threads as Lambda runs a function, and checkpoints in the run's Cassandra.
 */
export async function emulatorTarget(): Promise<ConformanceTarget> {
  const harness = await eventSourceHarness();
  const dir = mkdtempSync(join(tmpdir(), 'cassflow-conformance-'));
  const region = await harness.kinesis.config.region();
  return {
    name: 'cassflow emulator',
    kinesis: harness.kinesis,
    patienceMs: 30_000,
    stream: harness.stream,
    put: (stream, records) => harness.put(stream, records),
    map: async (stream, name, settings, options = {}) => {
      const log = join(dir, `${name}.jsonl`);
      const failures = join(dir, `${name}.failures.jsonl`);
      const fn = new IsolatedFunction(
        { modulePath: PROBE, handler: 'handler', env: { PROBE_LOG_FILE: log } },
        name,
        region,
      );
      const source = await startEventSource({
        kinesis: harness.kinesis,
        streamName: stream,
        functionName: name,
        fn,
        positions: harness.positions(`conformance:${name}`, stream),
        onFailure: new FailureLog(failures),
        settings: { ...(options.lambdaTiming ? {} : FAST), ...emulatorSettings(settings) },
      });
      const mapping: ProbeMapping = {
        entries: async () => readLines<ProbeEntry>(log),
        failures: async () => readLines<FailureRecord>(failures),
        stop: async () => {
          await source.stop();
          await fn.close();
        },
      };
      return mapping;
    },
    close: harness.close,
  };
}

function emulatorSettings(s: MappingSettings): EventSourceSettingsInput {
  return {
    startingPosition: s.StartingPosition ?? 'TRIM_HORIZON',
    startingPositionTimestamp: s.StartingPositionTimestamp,
    batchSize: s.BatchSize,
    maxBatchingWindowSeconds: s.MaximumBatchingWindowInSeconds,
    bisectBatchOnError: s.BisectBatchOnFunctionError,
    retryAttempts: s.MaximumRetryAttempts,
    maxRecordAgeSeconds: s.MaximumRecordAgeInSeconds,
    parallelizationFactor: s.ParallelizationFactor,
    reportBatchItemFailures: s.ReportBatchItemFailures,
    timeoutSeconds: s.TimeoutSeconds,
  };
}

/** The complete lines of a JSON Lines file a worker may be appending to right now. */
function readLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.pop(); // after the last newline: empty, or a line still being written
  return lines.filter((line) => line.length > 0).map((line) => JSON.parse(line) as T);
}
