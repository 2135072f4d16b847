import type { CassandraSession } from '../store/session.ts';
import { MURMUR3, type TokenSpace, tokenSpaceOf } from './token-ranges.ts';

export type TokenRing = { space: TokenSpace; nodeTokens: bigint[] };

/**
 * The cluster's partitioner and node tokens (system.local and system.peers), so ranges line up
 * with what each node owns. Where the tokens cannot be read, an even split of the partitioner's
 * space is just as correct, only not node-aligned.
 */
export async function readTokenRing(session: CassandraSession): Promise<TokenRing> {
  const local = (
    await session.execute('SELECT partitioner, tokens FROM system.local', [], { idempotent: true })
  ).first();
  const partitioner = local?.get('partitioner');
  const space = typeof partitioner === 'string' ? tokenSpaceOf(partitioner) : MURMUR3;
  const tokens: bigint[] = [...toTokens(local?.get('tokens'))];
  try {
    const peers = await session.execute('SELECT tokens FROM system.peers', [], {
      idempotent: true,
    });
    for (const row of peers.rows) tokens.push(...toTokens(row.get('tokens')));
  } catch {
    // Some services hide system.peers; the local node's tokens still give a correct plan.
  }
  return { space, nodeTokens: tokens };
}

function toTokens(value: unknown): bigint[] {
  if (!value || typeof value !== 'object' || !(Symbol.iterator in value)) return [];
  const out: bigint[] = [];
  for (const t of value as Iterable<unknown>) {
    try {
      out.push(BigInt(String(t)));
    } catch {
      // not a numeric token
    }
  }
  return out;
}
