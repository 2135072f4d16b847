import type { RejectedRecord } from '../records/input-record.ts';
import type { LateRecord, SideOutputs } from '../store/side-outputs.ts';

/** Dead letters and late events in memory, once per record (and window), as the tables keep them. */
export class MemorySideOutputs implements SideOutputs {
  readonly dead = new Map<string, RejectedRecord>();
  readonly late = new Map<string, LateRecord>();

  async deadLetters(_source: string, rejected: readonly RejectedRecord[]) {
    for (const r of rejected) this.dead.set(`${r.record.shardId}/${r.record.sequenceNumber}`, r);
  }

  async lateEvents(late: readonly LateRecord[]) {
    for (const l of late) {
      this.late.set(`${l.record.shardId}/${l.record.sequenceNumber}/${l.window}`, l);
    }
  }
}
