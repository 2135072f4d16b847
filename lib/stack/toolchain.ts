import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Env } from '../config/env-values.ts';
import { JavaNotFoundError, JavaVersionError, MavenNotFoundError } from './errors.ts';

/** The Java major version the local Cassandra 5.0 is configured for (its JVM flags are 17's). */
export const REQUIRED_JAVA_MAJOR = 17;

/** `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` from PATH. */
export function javaCommand(env: Env): string {
  return env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** Checks that Java 17 is there; returns the command to run it. */
export function requireJava(env: Env): string {
  const java = javaCommand(env);
  const run = spawnSync(java, ['-version'], { encoding: 'utf8', env: env as NodeJS.ProcessEnv });
  if (run.error || run.status !== 0) throw new JavaNotFoundError(java);
  const major = parseJavaMajor(`${run.stderr}${run.stdout}`);
  if (major !== REQUIRED_JAVA_MAJOR) throw new JavaVersionError(java, String(major ?? 'unknown'));
  return java;
}

/** `openjdk version "17.0.15"` → 17; `java version "1.8.0_392"` → 8. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match?.[1]) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

/** Checks that Maven is there; returns the command to run it. */
export function requireMaven(env: Env): string {
  const mvn = env.MAVEN_CMD ?? 'mvn';
  const run = spawnSync(mvn, ['--version'], { encoding: 'utf8', env: env as NodeJS.ProcessEnv });
  if (run.error || run.status !== 0) throw new MavenNotFoundError(mvn);
  return mvn;
}
