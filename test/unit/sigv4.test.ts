import { describe, expect, it } from 'vitest';
import { SigV4AuthProvider } from '#lib/store/sigv4/auth-provider';
import {
  canonicalRequest,
  challengeResponse,
  credentialScope,
  extractNonce,
  signingKey,
  stringToSign,
} from '#lib/store/sigv4/signature';

/**
 * Test vector of the Amazon Keyspaces SigV4 exchange, as published with AWS's Node.js plugin
 * (aws-sigv4-auth-cassandra-nodejs-driver-plugin, test/unit/sigv4-auth-signature-tests.js).
 */
const VECTOR = {
  input: {
    region: 'us-west-2',
    accessKeyId: 'UserID-1',
    secretAccessKey: 'UserSecretKey-1',
    nonce: '91703fdc2ef562e19fbdab0f58e42fe5',
    date: new Date(1591742511000), // 2020-06-09T22:41:51.000Z
  },
  scope: '20200609/us-west-2/cassandra/aws4_request',
  canonicalRequest: [
    'PUT',
    '/authenticate',
    'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=UserID-1%2F20200609%2Fus-west-2%2Fcassandra%2Faws4_request&X-Amz-Date=2020-06-09T22%3A41%3A51.000Z&X-Amz-Expires=900',
    'host:cassandra',
    '',
    'host',
    'ddf250111597b3f35e51e649f59e3f8b30ff5b247166d709dc1b1e60bd927070',
  ].join('\n'),
  stringToSign: [
    'AWS4-HMAC-SHA256',
    '2020-06-09T22:41:51.000Z',
    '20200609/us-west-2/cassandra/aws4_request',
    'bf5cc15759befc37fc35689dcdd7938a9ad042b6326f537c4c5eecaa2ebf911e',
  ].join('\n'),
  signingKey: '7fb139473f153aec1b05747b0cd5cd77a1186d22ae895a3a0128e699d72e1aba',
  response:
    'signature=7f3691c18a81b8ce7457699effbfae5b09b4e0714ab38c1292dbdf082c9ddd87,access_key=UserID-1,amzdate=2020-06-09T22:41:51.000Z',
};

describe('Keyspaces SigV4 signature', () => {
  it('derives the credential scope', () => {
    expect(credentialScope(VECTOR.input.date, 'us-west-2')).toBe(VECTOR.scope);
  });

  it('builds the canonical pseudo-request with the nonce hash as payload', () => {
    expect(canonicalRequest(VECTOR.input)).toBe(VECTOR.canonicalRequest);
  });

  it('builds the string to sign', () => {
    expect(stringToSign(VECTOR.input)).toBe(VECTOR.stringToSign);
  });

  it('derives the signing key', () => {
    expect(signingKey('UserSecretKey-1', VECTOR.input.date, 'us-west-2').toString('hex')).toBe(
      VECTOR.signingKey,
    );
  });

  it('answers the challenge', () => {
    expect(challengeResponse(VECTOR.input)).toBe(VECTOR.response);
  });

  it('adds the session token of temporary credentials', () => {
    expect(challengeResponse({ ...VECTOR.input, sessionToken: 'sess-token-1' })).toBe(
      `${VECTOR.response},session_token=sess-token-1`,
    );
  });

  it('changes the signature when the nonce changes', () => {
    expect(challengeResponse({ ...VECTOR.input, nonce: 'another' })).not.toBe(VECTOR.response);
  });

  it.each([
    ['nonce=abc123', 'abc123'],
    ['nonce=abc123,other=1', 'abc123'],
    ['no nonce here', undefined],
  ])('extracts the nonce from %s', (challenge, nonce) => {
    expect(extractNonce(Buffer.from(challenge))).toBe(nonce);
  });
});

describe('SigV4AuthProvider', () => {
  const provider = new SigV4AuthProvider({
    region: 'us-west-2',
    credentials: async () => ({ accessKeyId: 'UserID-1', secretAccessKey: 'UserSecretKey-1' }),
    now: () => VECTOR.input.date,
  });

  function callbackResult(run: (cb: (e: Error | null, r?: Buffer) => void) => void) {
    return new Promise<Buffer>((resolve, reject) =>
      run((error, response) => (error ? reject(error) : resolve(response ?? Buffer.alloc(0)))),
    );
  }

  it('opens the exchange with SigV4 and answers the nonce challenge', async () => {
    // Prepare
    const authenticator = provider.newAuthenticator('host', 'authenticator');

    // Act
    const initial = await callbackResult((cb) => authenticator.initialResponse(cb));
    const answer = await callbackResult((cb) =>
      authenticator.evaluateChallenge(Buffer.from(`nonce=${VECTOR.input.nonce}`), cb),
    );

    // Assess
    expect(initial.toString('utf8')).toBe('SigV4\0\0');
    expect(answer.toString('utf8')).toBe(VECTOR.response);
  });

  it('fails clearly on a challenge without a nonce', async () => {
    const authenticator = provider.newAuthenticator('host', 'authenticator');
    await expect(
      callbackResult((cb) => authenticator.evaluateChallenge(Buffer.from('garbage'), cb)),
    ).rejects.toThrow(/no nonce: 'garbage'/);
  });

  it('fails clearly when no credentials can be found', async () => {
    const noCredentials = new SigV4AuthProvider({
      region: 'us-west-2',
      credentials: async () => {
        throw new Error('Could not load credentials from any providers');
      },
    });
    const authenticator = noCredentials.newAuthenticator('host', 'authenticator');
    await expect(
      callbackResult((cb) => authenticator.evaluateChallenge(Buffer.from('nonce=1'), cb)),
    ).rejects.toThrow(/No AWS credentials for Amazon Keyspaces SigV4: Could not load/);
  });

  it('resolves credentials again for each connection (refreshed sessions are used)', async () => {
    let calls = 0;
    const rotating = new SigV4AuthProvider({
      region: 'us-west-2',
      credentials: async () => {
        calls += 1;
        return { accessKeyId: `key-${calls}`, secretAccessKey: 's' };
      },
      now: () => VECTOR.input.date,
    });
    const first = await callbackResult((cb) =>
      rotating.newAuthenticator('h', 'a').evaluateChallenge(Buffer.from('nonce=1'), cb),
    );
    const second = await callbackResult((cb) =>
      rotating.newAuthenticator('h', 'a').evaluateChallenge(Buffer.from('nonce=1'), cb),
    );
    expect(first.toString()).toContain('access_key=key-1');
    expect(second.toString()).toContain('access_key=key-2');
  });
});
