import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkTree } from '#lib/stack/link-tree';

/** What a checkout holds that `cassflow local up` needs: the code, node_modules and the jars. */
const SKIPPED = new Set(['.git', '.cache']);

/**
 * A copy of the checkout at `source` inside a fresh folder of mode 700, the way a clone under
 * root's home or a `mktemp -d` folder is: other users cannot enter it. Files are hard links (copies
 * across file systems), so it costs seconds, not the 0.5 GB of node_modules. The Cassandra jars
 * come along so that it needs no Maven.
 */
export function privateCheckout(source: string): { parent: string; checkout: string } {
  const parent = mkdtempSync(join(tmpdir(), 'cassflow-private-'));
  const checkout = join(parent, 'cassflow');
  mkdirSync(checkout);
  for (const entry of readdirSync(source)) {
    if (!SKIPPED.has(entry)) linkTree(join(source, entry), join(checkout, entry));
  }
  const jars = join('.cache', 'cassandra', 'lib');
  mkdirSync(join(checkout, jars), { recursive: true });
  for (const jar of readdirSync(join(source, jars))) {
    linkTree(join(source, jars, jar), join(checkout, jars, jar));
  }
  return { parent, checkout };
}
