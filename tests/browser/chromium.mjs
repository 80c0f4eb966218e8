// Headless Chromium as the browser checks and the documentation's pictures start it: Debian's
// binary (or $CHROMIUM), no sandbox (root in CI), and no background networking, which this
// machine's closed network would refuse.
import { chromium } from 'playwright-core';

export function launch(profile) {
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--no-first-run', '--disable-component-update', '--disable-sync', '--disable-quic'],
    viewport: { width: 1280, height: 900 },
  });
}
