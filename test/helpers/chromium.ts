import { existsSync } from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';
import { needing } from './requirements.js';
import { tempDir } from './stedi-project.js';

// Debian's chromium package; never a browser download. .ci/run installs it where it is missing.
const CHROMIUM = process.env.STEDI_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** describe() and it() for browser tests: they run where Chromium is, fail in CI without it, skip elsewhere. */
export const withChromium = needing(
  existsSync(CHROMIUM),
  `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set STEDI_CHROMIUM)`,
);

/** A headless Chromium with a profile of its own, at a desktop viewport. */
export function launchChromium(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(tempDir('stedi-chromium-'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1440, height: 900 },
  });
}
