/** The files a single-node test Cassandra needs that the Maven jars do not include. */

export type NodeLayout = {
  host: string;
  nativePort: number;
  storagePort: number;
  /** Absolute directory for data, commit log, hints and saved caches. */
  dataDir: string;
  /** The partitioner's class name. */
  partitioner: string;
  tombstoneWarn: number;
  tombstoneFailure: number;
};

/**
 * cassandra.yaml for one fast, throwaway node. Cassandra rejects unknown keys, so every key here
 * exists in 5.0's Config.java. Durability is traded for speed (periodic commit log sync).
 */
export function cassandraYaml(node: NodeLayout): string {
  return `# Written by cassflow for the local test node; rewritten on every start.
cluster_name: 'cassflow local'
num_tokens: 1
partitioner: ${node.partitioner}
endpoint_snitch: SimpleSnitch
listen_address: ${node.host}
rpc_address: ${node.host}
storage_port: ${node.storagePort}
native_transport_port: ${node.nativePort}
start_native_transport: true
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "${node.host}:${node.storagePort}"
data_file_directories:
  - ${node.dataDir}/data
commitlog_directory: ${node.dataDir}/commitlog
saved_caches_directory: ${node.dataDir}/saved_caches
hints_directory: ${node.dataDir}/hints
cdc_enabled: false
commitlog_sync: periodic
commitlog_sync_period: 10000ms
commitlog_segment_size: 8MiB
commitlog_disk_access_mode: legacy
disk_access_mode: mmap_index_only
auto_snapshot: false
incremental_backups: false
snapshot_before_compaction: false
hinted_handoff_enabled: false
concurrent_compactors: 1
compaction_throughput: 0MiB/s
memtable_allocation_type: heap_buffers
storage_compatibility_mode: NONE
paxos_variant: v2
tombstone_warn_threshold: ${node.tombstoneWarn}
tombstone_failure_threshold: ${node.tombstoneFailure}
cas_contention_timeout: 5000ms
write_request_timeout: 5000ms
read_request_timeout: 10000ms
range_request_timeout: 20000ms
request_timeout: 20000ms
truncate_request_timeout: 60000ms
`;
}

/** Console logging at INFO; the process's output is redirected to the node's log file. */
export const LOGBACK_XML = `<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
  <logger name="org.apache.cassandra" level="INFO"/>
</configuration>
`;
