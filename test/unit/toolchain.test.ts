import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureCassandraJars } from '#lib/stack/cassandra/jars';
import { JavaNotFoundError, JavaVersionError, MavenNotFoundError } from '#lib/stack/errors';
import { parseJavaMajor, requireJava, requireMaven } from '#lib/stack/toolchain';

/** A folder with nothing runnable in it, to stand in for a machine without Java or Maven. */
const emptyPath = () => mkdtempSync(join(tmpdir(), 'cassflow-nopath-'));

/** A JAVA_HOME whose `java -version` prints the given text, as a real JDK does, on stderr. */
function fakeJavaHome(versionLine: string): string {
  const home = mkdtempSync(join(tmpdir(), 'cassflow-jdk-'));
  mkdirSync(join(home, 'bin'));
  const java = join(home, 'bin', 'java');
  writeFileSync(java, `#!/bin/sh\necho '${versionLine}' >&2\n`);
  chmodSync(java, 0o755);
  return home;
}

describe('requireJava', () => {
  it('says clearly that Java is missing, and how to get it', () => {
    expect(() => requireJava({ PATH: emptyPath() })).toThrow(JavaNotFoundError);
    expect(() => requireJava({ PATH: emptyPath() })).toThrow(
      /Java was not found \(tried 'java'\).*Java 17 JDK/,
    );
  });

  it('names the JAVA_HOME it tried', () => {
    const home = join(emptyPath(), 'no-such-jdk');
    expect(() => requireJava({ PATH: emptyPath(), JAVA_HOME: home })).toThrow(
      `tried '${home}/bin/java'`,
    );
  });

  it('refuses a Java other than 17', () => {
    const home = fakeJavaHome('openjdk version "21.0.4" 2024-07-16');
    expect(() => requireJava({ PATH: emptyPath(), JAVA_HOME: home })).toThrow(JavaVersionError);
    expect(() => requireJava({ PATH: emptyPath(), JAVA_HOME: home })).toThrow(
      /is Java 21\. Set JAVA_HOME/,
    );
  });

  it('accepts Java 17', () => {
    const home = fakeJavaHome('openjdk version "17.0.15" 2025-04-15');
    expect(requireJava({ PATH: emptyPath(), JAVA_HOME: home })).toBe(join(home, 'bin', 'java'));
  });
});

describe('parseJavaMajor', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['java version "1.8.0_392"', 8],
    ['openjdk version "21" 2023-09-19', 21],
    ['nonsense', undefined],
  ])('%s → %s', (output, major) => {
    expect(parseJavaMajor(output)).toBe(major);
  });
});

describe('requireMaven', () => {
  it('says clearly that Maven is missing, and what it is for', () => {
    expect(() => requireMaven({ PATH: emptyPath() })).toThrow(MavenNotFoundError);
    expect(() => requireMaven({ PATH: emptyPath() })).toThrow(
      /Maven was not found.*fetch the Cassandra jars/,
    );
  });

  it('is what fetching the jars fails with, leaving no half-filled folder', async () => {
    const libDir = join(emptyPath(), 'lib');
    await expect(
      ensureCassandraJars(libDir, { PATH: emptyPath() }, () => {}),
    ).rejects.toBeInstanceOf(MavenNotFoundError);
    expect(existsSync(libDir)).toBe(false);
  });
});
