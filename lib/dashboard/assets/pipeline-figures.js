// The figures at the top of a pipeline's section.
import { fmt } from './format.js';

/** Each figure: its id, label, value, and whether the value is bad news. */
export function pipelineFigures(p) {
  const r = p.rates;
  const f = p.figures;
  const store = p.store && !p.store.error ? p.store : undefined;
  const checkpointed = store
    ? store.shards.reduce((sum, s) => sum + (s.checkpoint ? s.checkpoint.records : 0), 0)
    : null;
  const live = f !== null;
  return [
    ['read', 'records in /s', live ? fmt.rate(r.readPerSecond) : '–'],
    // Without live metrics (cassflow ui), from how far the checkpoints moved.
    ['processed-rate', 'processed /s', fmt.rate(r.processedPerSecond)],
    ['processed', 'processed', fmt.count(live ? f.records : null)],
    ['checkpointed', 'checkpointed', fmt.count(checkpointed)],
    ['invocations', 'invocations /min', live ? fmt.count(r.invocationsPerMinute) : '–'],
    ['batch-size', 'batch size (mean)', live ? fmt.rate(r.batchSize.mean) : '–'],
    [
      'duration',
      'batch duration (mean / max)',
      live ? `${fmt.ms(r.durationMs.mean)} / ${fmt.ms(r.durationMs.max)}` : '–',
    ],
    [
      'errors',
      'failed invocations /min',
      live ? fmt.count(r.errorsPerMinute) : '–',
      r.errorsPerMinute > 0,
    ],
    [
      'retries',
      'retries / bisects',
      live ? `${fmt.count(f.retries)} / ${fmt.count(f.splits)}` : '–',
      live && f.retries + f.splits > 0,
    ],
    [
      'dead-letters',
      'dead letters /min',
      live ? fmt.count(r.deadLettersPerMinute) : '–',
      r.deadLettersPerMinute > 0,
    ],
    ['late', 'late events /min', live ? fmt.count(r.latePerMinute) : '–'],
    [
      'cas-retries',
      'CAS retries /min (share)',
      live ? `${fmt.count(r.casRetriesPerMinute)} (${fmt.share(r.casRetryShare)})` : '–',
    ],
    ['watermark', 'watermark (UTC)', watermarkText(store)],
    ['watermark-lag', 'watermark lag', live ? fmt.ms(r.watermarkLagMs) : '–'],
    ['closer', 'closer: final up to', fmt.time(store?.closer ? store.closer.done : null)],
    [
      'due',
      'windows due, not final',
      store?.dueNotFinal
        ? `${fmt.count(store.dueNotFinal.count)}${store.dueNotFinal.more ? '+' : ''}`
        : '–',
      store?.dueNotFinal && store.dueNotFinal.count > 0,
    ],
  ];
}

/** The pipeline's watermark, or which shards hold it back while it has none. */
function watermarkText(store) {
  if (!store) return '–';
  if (store.watermark !== null && store.watermark !== undefined) return fmt.time(store.watermark);
  const holding = store.shards.filter(
    (s) => s.watermark && s.watermark.at === null && s.watermark.state !== 'idle',
  );
  return holding.length > 0
    ? `none: no event yet on ${holding.map((s) => s.shardId).join(', ')}`
    : 'none yet';
}
