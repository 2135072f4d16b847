/** Errors of the local stack. Each says what is wrong and what to do about it. */

export class JavaNotFoundError extends Error {
  constructor(tried: string) {
    super(
      `Java was not found (tried '${tried}'). The local Cassandra needs a Java 17 JDK: ` +
        'install one (Debian: apt-get install openjdk-17-jdk-headless) or set JAVA_HOME to it.',
    );
    this.name = 'JavaNotFoundError';
  }
}

export class JavaVersionError extends Error {
  constructor(java: string, found: string) {
    super(
      `Cassandra 5.0 runs here on Java 17, but '${java}' is Java ${found}. ` +
        'Set JAVA_HOME to a Java 17 JDK.',
    );
    this.name = 'JavaVersionError';
  }
}

export class MavenNotFoundError extends Error {
  constructor(tried: string) {
    super(
      `Maven was not found (tried '${tried}'). It is needed once, to fetch the Cassandra jars ` +
        'from Maven Central: install it (Debian: apt-get install maven) or put mvn on PATH.',
    );
    this.name = 'MavenNotFoundError';
  }
}

export class PortInUseError extends Error {
  readonly address: string;

  constructor(server: string, address: string, hint: string) {
    super(`${server} cannot start: ${address} is already in use by another process. ${hint}`);
    this.name = 'PortInUseError';
    this.address = address;
  }
}

export class DependencyFetchError extends Error {
  constructor(what: string, output: string) {
    super(`Fetching ${what} failed:\n${output}`);
    this.name = 'DependencyFetchError';
  }
}

/** A server that was started did not answer in time, or died while starting. */
export class ServerStartError extends Error {
  readonly logTail: string;
  /** One line: what to do about it. */
  readonly fix: string;

  constructor(server: string, reason: string, fix: string, logFile: string, logTail: string) {
    super(`${server} ${reason}.\nWhat to do: ${fix}\nLast lines of ${logFile}:\n${logTail}`);
    this.name = 'ServerStartError';
    this.fix = fix;
    this.logTail = logTail;
  }
}

/**
 * A step of a server's launcher that failed in a way it can explain: `fix` says what to do. The
 * launcher writes it to its log as a `WHAT_TO_DO` line, where `local up` finds it.
 */
export class LaunchStepError extends Error {
  readonly fix: string;

  constructor(message: string, fix: string) {
    super(message);
    this.name = 'LaunchStepError';
    this.fix = fix;
  }
}

/** The prefix of the log line in which a launcher says what to do about its failure. */
export const WHAT_TO_DO = 'cassflow: what to do: ';
