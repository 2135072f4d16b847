import cassandra from 'cassandra-driver';

/**
 * Asks a node for its release version over CQL: the readiness check of the local node. Resolves
 * undefined while the node does not answer.
 */
export async function probeCassandra(
  host: string,
  port: number,
  localDataCenter: string,
): Promise<string | undefined> {
  const client = new cassandra.Client({
    contactPoints: [`${host}:${port}`],
    localDataCenter,
    socketOptions: { connectTimeout: 2000, readTimeout: 5000 },
    pooling: { warmup: false },
    isMetadataSyncEnabled: false,
  });
  try {
    await client.connect();
    const result = await client.execute('SELECT release_version FROM system.local');
    return String(result.first()?.get('release_version') ?? 'unknown');
  } catch {
    return undefined;
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}
