import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';

/**
 * Roots that sign Amazon Keyspaces' TLS certificates: Amazon Root CA 1–4 and the Starfield
 * Services G2 root that cross-signs them. They come from Node's own Mozilla CA store, so nothing
 * is downloaded or shipped; the legacy Starfield Class 2 root is no longer in that store (add it
 * with CASSANDRA_TLS_CA_FILE if an old endpoint still needs it).
 */
const KEYSPACES_ROOT_NAMES = [
  'Amazon Root CA 1',
  'Amazon Root CA 2',
  'Amazon Root CA 3',
  'Amazon Root CA 4',
  'Starfield Services Root Certificate Authority - G2',
] as const;

export function keyspacesTrustedRoots(): string[] {
  const roots = rootCertificates.filter((pem) => {
    const commonName = /(?:^|\n)CN=(.+)/.exec(new X509Certificate(pem).subject)?.[1];
    return KEYSPACES_ROOT_NAMES.some((name) => name === commonName);
  });
  if (roots.length === 0) {
    throw new Error("Node's CA store has none of the Amazon roots that Keyspaces' TLS needs");
  }
  return roots;
}
