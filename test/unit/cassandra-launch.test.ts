import { describe, expect, it } from 'vitest';
import { cassandraYaml } from '#lib/stack/cassandra/config-files';
import { cassandraJvmArgs } from '#lib/stack/cassandra/jvm-args';

describe('cassandraYaml', () => {
  const yaml = cassandraYaml({
    host: '127.0.0.1',
    nativePort: 19042,
    storagePort: 17000,
    dataDir: '/d',
    partitioner: 'org.apache.cassandra.dht.RandomPartitioner',
    tombstoneWarn: 50,
    tombstoneFailure: 500,
  });

  it('binds every listener to the given host and ports', () => {
    expect(yaml).toContain('listen_address: 127.0.0.1\n');
    expect(yaml).toContain('rpc_address: 127.0.0.1\n');
    expect(yaml).toContain('native_transport_port: 19042\n');
    expect(yaml).toContain('storage_port: 17000\n');
    expect(yaml).toContain('- seeds: "127.0.0.1:17000"');
  });

  it('keeps every directory under the data dir', () => {
    expect(yaml).toContain('  - /d/data\n');
    for (const dir of ['commitlog', 'saved_caches', 'hints']) expect(yaml).toContain(`/d/${dir}\n`);
  });

  it('runs the partitioner it is given (the Keyspaces flavor runs RandomPartitioner)', () => {
    expect(yaml).toContain('partitioner: org.apache.cassandra.dht.RandomPartitioner\n');
  });

  it('sets the tombstone thresholds it is given (the soak lowers them)', () => {
    expect(yaml).toContain('tombstone_warn_threshold: 50\n');
    expect(yaml).toContain('tombstone_failure_threshold: 500\n');
  });

  it('uses no Thrift-era or *_in_ms keys, which 5.0 rejects or deprecates', () => {
    expect(yaml).not.toMatch(/_in_ms:|start_rpc|rpc_port/);
  });
});

describe('cassandraJvmArgs', () => {
  const args = cassandraJvmArgs({
    heap: '512M',
    jammJar: '/lib/jamm-0.4.0.jar',
    confDir: '/conf',
    libDir: '/lib',
    dataDir: '/data',
    logDir: '/logs',
    triggersDir: '/triggers',
  });

  it('opens the JDK 17 modules Cassandra reflects into', () => {
    expect(args).toContain('--add-opens=java.base/java.io=ALL-UNNAMED');
    expect(args).toContain('--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED');
    expect(args.filter((a) => a.startsWith('--add-'))).toHaveLength(25);
  });

  it('sizes the heap, loads jamm and ends with the daemon class', () => {
    expect(args).toContain('-Xmx512M');
    expect(args).toContain('-javaagent:/lib/jamm-0.4.0.jar');
    expect(args).toContain('-Dcassandra.config=file:///conf/cassandra.yaml');
    expect(args.slice(-3)).toEqual([
      '-cp',
      '/conf:/lib/*',
      'org.apache.cassandra.service.CassandraDaemon',
    ]);
  });
});
