import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type cassandra from 'cassandra-driver';
import { challengeResponse, extractNonce } from './signature.ts';

type Callback = (error: Error | null, response?: Buffer) => void;

/** Tells Keyspaces this client speaks SigV4 (the first message of the exchange). */
const SIGV4_INITIAL_RESPONSE = Buffer.from('SigV4\0\0', 'utf8');

/**
 * Amazon Keyspaces authentication with AWS SigV4, on AWS SDK v3 credential providers. Credentials
 * are resolved on every new connection, so a refreshed Lambda role session (or rotated keys) is
 * used on reconnect; the SDK's providers cache them until they near expiry.
 */
export class SigV4AuthProvider implements cassandra.auth.AuthProvider {
  readonly #region: string;
  readonly #credentials: AwsCredentialIdentityProvider;
  readonly #now: () => Date;

  constructor(options: {
    region: string;
    credentials: AwsCredentialIdentityProvider;
    /** The signing clock; tests fix it. */
    now?: () => Date;
  }) {
    this.#region = options.region;
    this.#credentials = options.credentials;
    this.#now = options.now ?? (() => new Date());
  }

  newAuthenticator(_endpoint?: string, _name?: string): cassandra.auth.Authenticator {
    return new SigV4Authenticator(this.#region, this.#credentials, this.#now);
  }
}

class SigV4Authenticator implements cassandra.auth.Authenticator {
  readonly #region: string;
  readonly #credentials: AwsCredentialIdentityProvider;
  readonly #now: () => Date;

  constructor(region: string, credentials: AwsCredentialIdentityProvider, now: () => Date) {
    this.#region = region;
    this.#credentials = credentials;
    this.#now = now;
  }

  initialResponse(callback: Callback): void {
    callback(null, SIGV4_INITIAL_RESPONSE);
  }

  evaluateChallenge(challenge: Buffer, callback: Callback): void {
    const nonce = extractNonce(challenge);
    if (!nonce) {
      callback(
        new Error(`Keyspaces SigV4 challenge has no nonce: '${challenge.toString('utf8')}'`),
      );
      return;
    }
    this.#credentials().then(
      (identity) => {
        const response = challengeResponse({
          region: this.#region,
          nonce,
          date: this.#now(),
          accessKeyId: identity.accessKeyId,
          secretAccessKey: identity.secretAccessKey,
          sessionToken: identity.sessionToken,
        });
        callback(null, Buffer.from(response, 'utf8'));
      },
      (error: unknown) =>
        callback(
          new Error(
            `No AWS credentials for Amazon Keyspaces SigV4: ${error instanceof Error ? error.message : String(error)}`,
          ),
        ),
    );
  }

  onAuthenticationSuccess(): void {}
}
