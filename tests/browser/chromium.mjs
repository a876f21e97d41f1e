// Headless Debian chromium for the browser checks: the flags this
// machine's closed network needs, and a throw-away profile.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// A browser context in a new profile, 1280x900, with `options` added;
// exits with 2 (naming `tool`) when chromium does not start. `close()`
// ends it and deletes the profile.
export async function launch(tool, options = {}) {
  const profile = mkdtempSync(join(tmpdir(), "counterspy-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
      ...options,
    });
    const close = async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    };
    return { context, close };
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    console.error(`${tool}: chromium did not start: ${err.message}`);
    process.exit(2);
  }
}
