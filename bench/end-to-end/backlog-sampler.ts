/** Events accepted by Kinesis and processed by the function at one moment of a step. */
export type BacklogSample = { atMs: number; accepted: number; processed: number; backlog: number };

export type BacklogSampler = {
  readonly samples: BacklogSample[];
  /**
   * The mean sample over (fromMs, toMs]. Processing comes in batches (one every ~2 s), so one
   * sample lands anywhere between an empty and a full batching cycle; a mean over several cycles
   * does not.
   */
  mean(fromMs: number, toMs: number): BacklogSample | undefined;
  stop(): void;
};

/**
 * Samples accepted and processed counts every `everyMs` for `durationMs`, on a grid aligned to
 * the start (so windows end on 30 s and 60 s, not wherever timers drift).
 */
export function sampleBacklog(options: {
  everyMs: number;
  durationMs: number;
  accepted: () => number;
  processed: () => number;
  onSample?: (sample: BacklogSample) => void;
}): BacklogSampler {
  const start = Date.now();
  const samples: BacklogSample[] = [];
  let timer: NodeJS.Timeout | undefined;
  const schedule = (k: number) => {
    const at = k * options.everyMs;
    if (at > options.durationMs) return;
    timer = setTimeout(
      () => {
        const accepted = options.accepted();
        const processed = options.processed();
        const sample = { atMs: at, accepted, processed, backlog: accepted - processed };
        samples.push(sample);
        options.onSample?.(sample);
        schedule(k + 1);
      },
      Math.max(0, start + at - Date.now()),
    );
  };
  schedule(1);
  return {
    samples,
    mean: (fromMs, toMs) => {
      const inWindow = samples.filter((s) => s.atMs > fromMs && s.atMs <= toMs);
      if (inWindow.length === 0) return undefined;
      const avg = (pick: (s: BacklogSample) => number) =>
        inWindow.reduce((sum, s) => sum + pick(s), 0) / inWindow.length;
      return {
        atMs: avg((s) => s.atMs),
        accepted: avg((s) => s.accepted),
        processed: avg((s) => s.processed),
        backlog: avg((s) => s.backlog),
      };
    },
    stop: () => clearTimeout(timer),
  };
}
