import type { CassflowConfig } from '../config/config.ts';
import { mappingName } from '../emulator/runtime/mapping-name.ts';
import { createKinesisClient } from '../kinesis/client.ts';
import type { AnyPipeline } from '../pipeline/any-pipeline.ts';
import { type CassandraSession, createSession, pipelineCassandra } from '../store/session.ts';
import { syncJobsOf } from '../sync/sync-jobs.ts';
import { type PipelineStoreFigures, readPipelineStoreFigures } from './pipeline-store-figures.ts';
import { readSyncJobFigures, type SyncJobFigures } from './sync-job-figures.ts';
import { latestWindows, type WindowPage, type WindowQuery } from './window-browser.ts';

/** A part of the stack that could not be read this time, and why. */
export type Unreadable = { error: string };

/** The store's side of a run, as of `at`: per pipeline and per sync job. */
export type StackFigures = {
  at: number;
  pipelines: Record<string, PipelineStoreFigures | Unreadable>;
  jobs: Record<string, SyncJobFigures | Unreadable>;
};

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Reads what the store says of the pipelines every `intervalMs` (checkpoints, watermarks, the
 * closer, dead letters, sync passes) and keeps the latest, so the dashboard's live stream never
 * waits on Cassandra. A part that cannot be read shows its error instead; the rest still shows.
 */
export class StackWatcher {
  readonly #config: CassflowConfig;
  readonly #pipelines: readonly AnyPipeline[];
  readonly #sessions = new Map<string, CassandraSession>();
  readonly #kinesis;
  readonly #intervalMs: number;
  readonly #onRead: (() => void) | undefined;
  #latest: StackFigures | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reading: Promise<void> | undefined;
  #closed = false;

  constructor(
    config: CassflowConfig,
    pipelines: readonly AnyPipeline[],
    intervalMs = 2000,
    onRead?: () => void,
  ) {
    this.#config = config;
    this.#onRead = onRead;
    this.#pipelines = pipelines;
    this.#kinesis = createKinesisClient(config.kinesis);
    this.#intervalMs = intervalMs;
  }

  /** The figures of the last refresh (none before the first one ends). */
  get latest(): StackFigures | undefined {
    return this.#latest;
  }

  /** Reads once now, then again every interval until closed. */
  async start(): Promise<void> {
    const loop = async () => {
      if (this.#closed) return;
      this.#reading = this.refresh().then(
        () => undefined,
        () => undefined, // each part catches its own errors; nothing else can fail
      );
      await this.#reading;
      if (this.#closed) return;
      this.#timer = setTimeout(loop, this.#intervalMs);
      this.#timer.unref();
    };
    await loop();
  }

  async refresh(): Promise<StackFigures> {
    const now = Date.now();
    const figures: StackFigures = { at: now, pipelines: {}, jobs: {} };
    await Promise.all(
      this.#pipelines.map(async (p) => {
        try {
          const mapping = await mappingName(this.#kinesis, p.name, p.stream);
          figures.pipelines[p.name] = await readPipelineStoreFigures(
            this.#session(p),
            p,
            mapping,
            now,
          );
        } catch (error) {
          figures.pipelines[p.name] = { error: message(error) };
        }
      }),
    );
    await Promise.all(
      [...syncJobsOf(this.#pipelines).values()].map(async (job) => {
        try {
          figures.jobs[job.job.name] = await readSyncJobFigures(
            this.#session(job.pipeline),
            job,
            now,
          );
        } catch (error) {
          figures.jobs[job.job.name] = { error: message(error) };
        }
      }),
    );
    this.#latest = figures;
    this.#onRead?.();
    return figures;
  }

  /** The window browser's query, read when asked (it may scan the window table). */
  async windows(pipelineName: string, query: WindowQuery): Promise<WindowPage> {
    const pipeline = this.#pipelines.find((p) => p.name === pipelineName);
    if (!pipeline) throw new RangeError(`no pipeline is named '${pipelineName}'`);
    if (pipeline.kind !== 'aggregation') {
      throw new RangeError(`${pipelineName} is a sink: it has no windows`);
    }
    return latestWindows(this.#session(pipeline), pipeline, query);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    // A read in flight finishes first: its sessions are then among those shut down.
    await this.#reading;
    await Promise.allSettled([...this.#sessions.values()].map((s) => s.shutdown()));
    this.#kinesis.destroy();
  }

  #session(pipeline: AnyPipeline): CassandraSession {
    if (this.#closed) throw new Error('the dashboard is closing');
    const cassandra = pipelineCassandra(this.#config.cassandra, pipeline);
    const id = `${cassandra.contactPoints}/${cassandra.keyspace}`;
    let session = this.#sessions.get(id);
    if (!session) {
      session = createSession(cassandra);
      this.#sessions.set(id, session);
    }
    return session;
  }
}
