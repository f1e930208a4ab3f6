/**
 * Test support: Debian's Chromium driven by playwright-core, with the flags
 * this closed network needs (no background networking, no component
 * updates, no sync) and a fresh profile per context. `CHROMIUM_PATH`
 * overrides `/usr/bin/chromium`.
 */
import { chromium, type BrowserContext } from "playwright-core";

/** Where Chromium is. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The command-line flags every test browser runs with. */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches Chromium with a persistent profile in `profileDir` (a fresh temp dir). */
export function launchChromium(profileDir: string, options: Parameters<typeof chromium.launchPersistentContext>[1] = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, { headless: true, ...options, executablePath: CHROMIUM_PATH, args: [...CHROMIUM_FLAGS, ...(options.args ?? [])] });
}
