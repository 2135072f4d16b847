/**
 * Module access Cassandra 5.0 needs on Java 17: the set in its conf/jvm17-server.options plus
 * the jdk.attach/jdk.compiler ones bin/cassandra.in.sh adds on a JDK. Without them startup dies
 * with InaccessibleObjectException.
 */
const JAVA17_MODULE_ACCESS = [
  ...[
    'java.base/jdk.internal.misc',
    'java.management.rmi/com.sun.jmx.remote.internal.rmi',
    'java.management/com.sun.jmx.remote.security',
    'java.rmi/sun.rmi.registry',
    'java.rmi/sun.rmi.server',
    'java.sql/java.sql',
    'java.base/java.lang.ref',
    'jdk.unsupported/sun.misc',
    'jdk.attach/sun.tools.attach',
    'jdk.compiler/com.sun.tools.javac.file',
  ].map((pkg) => `--add-exports=${pkg}=ALL-UNNAMED`),
  ...[
    'java.base/java.lang.module',
    'java.base/jdk.internal.loader',
    'java.base/jdk.internal.ref',
    'java.base/jdk.internal.reflect',
    'java.base/jdk.internal.math',
    'java.base/jdk.internal.module',
    'java.base/jdk.internal.util.jar',
    'jdk.management/com.sun.management.internal',
    'java.base/sun.nio.ch',
    'java.base/java.io',
    'java.base/java.lang.reflect',
    'java.base/java.lang',
    'java.base/java.util',
    'java.base/java.nio',
    'jdk.compiler/com.sun.tools.javac',
  ].map((pkg) => `--add-opens=${pkg}=ALL-UNNAMED`),
];

export type JvmLaunch = {
  heap: string;
  jammJar: string;
  confDir: string;
  libDir: string;
  dataDir: string;
  logDir: string;
  triggersDir: string;
};

/** The full `java` argument list that runs CassandraDaemon in the foreground. */
export function cassandraJvmArgs(launch: JvmLaunch): string[] {
  return [
    `-Xms${launch.heap}`,
    `-Xmx${launch.heap}`,
    '-Xss256k',
    '-XX:+UseG1GC',
    '-XX:+ParallelRefProcEnabled',
    '-XX:MaxGCPauseMillis=300',
    '-XX:+ExitOnOutOfMemoryError',
    '-XX:+UseThreadPriorities',
    '-XX:+PerfDisableSharedMem',
    '-ea',
    '-da:net.openhft...',
    ...JAVA17_MODULE_ACCESS,
    '-Djdk.attach.allowAttachSelf=true',
    '-Dio.netty.tryReflectionSetAccessible=true',
    '-Dio.netty.allocator.useCacheForAllThreads=true',
    '-Dio.netty.allocator.maxOrder=11',
    '-Djava.net.preferIPv4Stack=true',
    '-Dchronicle.analytics.disable=true',
    `-javaagent:${launch.jammJar}`,
    '-Dcassandra-foreground=yes',
    `-Dcassandra.config=file://${launch.confDir}/cassandra.yaml`,
    `-Dcassandra.storagedir=${launch.dataDir}`,
    `-Dcassandra.logdir=${launch.logDir}`,
    `-Dcassandra.triggers_dir=${launch.triggersDir}`,
    `-Dlogback.configurationFile=${launch.confDir}/logback.xml`,
    // Single-node test speed-ups (CassandraRelevantProperties, 5.0).
    '-Dcassandra.skip_wait_for_gossip_to_settle=0',
    '-Dcassandra.ring_delay_ms=1000',
    '-Dcassandra.superuser_setup_delay_ms=0',
    '-Dcassandra.shutdown_announce_in_ms=0',
    '-Dcassandra.available_processors=2',
    '-Dcassandra.unsafesystem=true',
    '-Dcassandra.test.flush_local_schema_changes=false',
    '-cp',
    `${launch.confDir}:${launch.libDir}/*`,
    'org.apache.cassandra.service.CassandraDaemon',
  ];
}
