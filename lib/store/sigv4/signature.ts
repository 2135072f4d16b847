import { createHash, createHmac } from 'node:crypto';

/**
 * The SigV4 answer to an Amazon Keyspaces authentication challenge. Keyspaces signs a fixed
 * pseudo-request (`PUT /authenticate`, host `cassandra`) whose payload hash is the SHA-256 of the
 * server's nonce, as its published Java/Python/Node drivers' plugins do.
 */

const SERVICE = 'cassandra';
const ALGORITHM = 'AWS4-HMAC-SHA256';
/** Seconds the signed pseudo-request stays valid. */
const EXPIRES_SECONDS = 900;

export type SigningCredentials = {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
};

export type ChallengeInput = SigningCredentials & {
  region: string;
  nonce: string;
  date: Date;
};

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: string | Buffer, text: string) =>
  createHmac('sha256', key).update(text, 'utf8').digest();

/** `20200609/us-west-2/cassandra/aws4_request` */
export function credentialScope(date: Date, region: string): string {
  return `${dateStamp(date)}/${region}/${SERVICE}/aws4_request`;
}

/** `2020-06-09T22:41:51.000Z` → `20200609` */
function dateStamp(date: Date): string {
  return date.toISOString().slice(0, 10).replaceAll('-', '');
}

export function canonicalRequest(input: ChallengeInput): string {
  const amzDate = input.date.toISOString();
  // Already in sorted order, as SigV4 requires of query parameters.
  const query = [
    `X-Amz-Algorithm=${ALGORITHM}`,
    `X-Amz-Credential=${input.accessKeyId}%2F${encodeURIComponent(credentialScope(input.date, input.region))}`,
    `X-Amz-Date=${encodeURIComponent(amzDate)}`,
    `X-Amz-Expires=${EXPIRES_SECONDS}`,
  ].join('&');
  return [
    'PUT',
    '/authenticate',
    query,
    `host:${SERVICE}`,
    '',
    'host',
    sha256Hex(input.nonce),
  ].join('\n');
}

export function stringToSign(input: ChallengeInput): string {
  return [
    ALGORITHM,
    input.date.toISOString(),
    credentialScope(input.date, input.region),
    sha256Hex(canonicalRequest(input)),
  ].join('\n');
}

export function signingKey(secretAccessKey: string, date: Date, region: string): Buffer {
  const kDate = hmac(`AWS4${secretAccessKey}`, dateStamp(date));
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, SERVICE);
  return hmac(kService, 'aws4_request');
}

/** The bytes the client sends back: `signature=…,access_key=…,amzdate=…[,session_token=…]`. */
export function challengeResponse(input: ChallengeInput): string {
  const key = signingKey(input.secretAccessKey, input.date, input.region);
  const signature = createHmac('sha256', key).update(stringToSign(input), 'utf8').digest('hex');
  const parts = [
    `signature=${signature}`,
    `access_key=${input.accessKeyId}`,
    `amzdate=${input.date.toISOString()}`,
  ];
  if (input.sessionToken) parts.push(`session_token=${input.sessionToken}`);
  return parts.join(',');
}

/** The nonce in a challenge such as `nonce=91703fdc…`; undefined when there is none. */
export function extractNonce(challenge: Buffer): string | undefined {
  const match = /nonce=([^,]+)/.exec(challenge.toString('utf8'));
  return match?.[1];
}
