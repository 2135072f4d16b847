import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * Debian's chromium, headless, for this closed network: no sandbox (root in CI), no GPU, no
 * QUIC, and none of the background requests a first run makes (sync, component updates).
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? CANDIDATES.find((p) => existsSync(p));
  if (!executablePath) {
    throw new Error(
      `no Chromium found (looked at ${CANDIDATES.join(', ')}). What to do: apt-get install ` +
        'chromium (.ci/run does), or point CHROMIUM_PATH at one',
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
