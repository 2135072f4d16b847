/** The environment variables cassflow reads, shown at the end of `cassflow --help`. */
export const ENV_HELP = `
Settings come from environment variables (defaults target the local stack):
  CASSFLOW_MODE                local | aws (default: aws inside Lambda, else local)
  CASSFLOW_STORE               cassandra | keyspaces (default: keyspaces in aws mode)
  CASSANDRA_CONTACT_POINTS     host[:port],... (default 127.0.0.1)
  CASSANDRA_PORT               default 9042 (9142 for Keyspaces)
  CASSANDRA_LOCAL_DC           default datacenter1 (the region for Keyspaces)
  CASSANDRA_KEYSPACE           default cassflow
  CASSANDRA_USERNAME/PASSWORD  plain-text auth for a self-managed cluster
  CASSANDRA_TLS, CASSANDRA_TLS_CA_FILE, CASSANDRA_TLS_VERIFY
  AWS_REGION                   default us-east-1 locally
  AWS_ENDPOINT_URL_KINESIS     Kinesis endpoint (default http://127.0.0.1:4568 locally)
  AWS_ENDPOINT_URL_S3          S3 endpoint for sync (default http://127.0.0.1:4569 locally)
  AWS_ENDPOINT_URL_DYNAMODB    DynamoDB endpoint for sync (default http://127.0.0.1:8000 locally)
  AWS_ENDPOINT_URL             the endpoint of all three when the service's own is unset
  CASSFLOW_POSTGRES_URL        PostgreSQL for sync (default locally
                               postgres://cassflow:cassflow@127.0.0.1:55432/cassflow)
  CASSFLOW_CACHE_DIR           jars, data and logs of the local stack (default: a checkout's
                               .cache; installed, ~/.cache/cassflow)
  CASSFLOW_CASSANDRA_HEAP      local Cassandra heap (default 1G)
  CASSFLOW_CASSANDRA_START_TIMEOUT  seconds to wait for the local Cassandra (default 180)
  CASSFLOW_CASSANDRA_TOMBSTONE_WARN, _FAILURE  the local Cassandra's tombstone thresholds
                               (default 1000 and 100000; the soak lowers them)
  CASSFLOW_KINESIS_ENGINE      the local Kinesis: cassflow (its own engine, default) or
                               kinesis-mock (LocalStack's)
  CASSFLOW_KINESIS_SHARD_LIMITS  off lifts the local engine's per-shard rate limits (default on)
  CASSFLOW_KINESIS_SHARD_LIMIT shards the local Kinesis allows in all (default 1000)

Run 'cassflow <command> --help' for a command's options.`;
