import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { avg, count, distinct } from '#lib/aggregates/index';
import { seededRandom } from '#lib/demo/seeded-random';
import { KinesisSender } from '#lib/kinesis/kinesis-sender';
import type { OutgoingRecord } from '#lib/kinesis/outgoing-record';
import { paced } from '#lib/kinesis/pace';
import { putRecordsCall } from '#lib/kinesis/put-records-call';
import { definePipeline } from '#lib/pipeline/define-pipeline';
import type { Pipeline } from '#lib/pipeline/spec';
import { session, sliding, tumbling } from '#lib/windows/index';

/** The soak's pipeline: every window kind, exact and sketched aggregates, the tick each minute. */
export function soakPipeline(): Pipeline {
  return definePipeline({
    name: 'soak',
    source: { stream: 'cassflow-soak' },
    key: 'page',
    time: 'ts',
    windows: [tumbling('1m'), sliding('5m', '1m'), session('2m')],
    aggregates: { views: count(), users: distinct('user'), mean_ms: avg('ms') },
    lateness: { outOfOrder: '5s', allowed: '30s', idleTimeout: '1m' },
  });
}

const encoder = new TextEncoder();

/**
 * Page views at `rate` a second, each with the event time `eventNow()` gives when it is made
 * (a clock running faster than the wall's), a little out of order and one in twenty minutes
 * behind (late for some windows), over 500 pages and 5,000 users.
 */
export function startSoakLoad(options: {
  kinesis: KinesisClient;
  stream: string;
  rate: number;
  eventNow: () => number;
}) {
  const random = seededRandom(42);
  let stopped = false;
  const sender = new KinesisSender({ put: putRecordsCall(options.kinesis, options.stream) });
  function* events(): Generator<OutgoingRecord> {
    for (let i = 0; !stopped; i++) {
      const behind = random() < 0.05 ? 120_000 + random() * 480_000 : random() * 4000;
      const page = `/page/${Math.floor(random() * 500)}`;
      const body = {
        page,
        user: `user-${Math.floor(random() * 5000)}`,
        ts: Math.round(options.eventNow() - behind),
        ms: Math.round(20 + random() * 400),
      };
      yield { data: encoder.encode(JSON.stringify(body)), partitionKey: page, ref: `event ${i}` };
    }
  }
  const done = (async () => {
    for await (const record of paced(events(), options.rate)) await sender.add(record);
    await sender.flush();
  })();
  done.catch(() => {});
  return {
    counts: sender.counts,
    stop: () => {
      stopped = true;
      return done;
    },
  };
}
