export const HELP = `cassflow: keyed, windowed stream processing on AWS Lambda with exactly-once
state in Apache Cassandra or Amazon Keyspaces.

Usage: cassflow <command> [options]

Commands:
  local up [--fresh]   Start the local stack: Apache Cassandra 5 (from Maven Central jars, on
                       Java 17) and the Kinesis emulator (kinesis-mock), on 127.0.0.1. Finds
                       servers that already run; --fresh wipes the local Cassandra's data first.
  local install        Check Java 17 and fetch the Cassandra jars with Maven (local up does
                       this on first use; CI runs it up front).
  local down           Stop the servers 'local up' started.
  local status         Show what runs, where, and under which pid.
  schema apply         Create the keyspace and cassflow's tables if missing, and wait until
                       they are usable (schema agreement; ACTIVE status on Amazon Keyspaces).
  schema apply --pipeline P
                       Also create the tables of pipeline P (a built-in name such as
                       page_views, or a module path such as ./my-pipeline.ts).
  query --pipeline P [--key K] [--window W] [--from T] [--to T] [--json]
                       Print P's windows, one per line: key, window, start, end, final, events
                       and each aggregate. Open windows are shown too (sliding ones assembled
                       from their panes, sessions from the open state). A window matches when
                       from <= start < to; T is 2026-01-01, 2026-01-01T10:00Z, epoch ms, now
                       or -2h. With --key, --from and --to only the partitions holding those
                       windows are read; otherwise the window table is scanned.
  smoke [--records N]  End-to-end check: start the local stack if needed, apply the schema, put
                       N records (default 200) into Kinesis, read them back per shard from the
                       stored checkpoints, and advance the checkpoints with conditional writes.
                       Stops what it started unless --keep is given.

Options:
  -h, --help           Show this help.
  --version            Show the version.

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
  CASSFLOW_CACHE_DIR           jars, data and logs of the local stack (default ./.cache)
  CASSFLOW_CASSANDRA_HEAP      local Cassandra heap (default 1G)
  CASSFLOW_CASSANDRA_START_TIMEOUT  seconds to wait for the local Cassandra (default 180)
`;
