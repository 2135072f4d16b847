/** Where the local stack's Cassandra and Kinesis run when nothing else is configured. */
export const LOCAL_DEFAULTS = {
  region: 'us-east-1',
  cassandraHost: '127.0.0.1',
  /** The local node of each store flavor: its own ports and its own directory under the cache. */
  nodes: {
    cassandra: { nativePort: 9042, storagePort: 7000, dir: 'cassandra' },
    keyspaces: { nativePort: 9043, storagePort: 7010, dir: 'cassandra-keyspaces' },
  },
  dataCenter: 'datacenter1',
  keyspace: 'cassflow',
  kinesisPort: 4568,
  kinesisTlsPort: 4567,
  heap: '1G',
  startTimeoutSeconds: 180,
} as const;
