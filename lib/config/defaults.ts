/** Where the local stack's Cassandra and Kinesis run when nothing else is configured. */
export const LOCAL_DEFAULTS = {
  region: 'us-east-1',
  cassandraHost: '127.0.0.1',
  cassandraPort: 9042,
  storagePort: 7000,
  dataCenter: 'datacenter1',
  keyspace: 'cassflow',
  kinesisPort: 4568,
  kinesisTlsPort: 4567,
  heap: '1G',
  startTimeoutSeconds: 180,
} as const;
