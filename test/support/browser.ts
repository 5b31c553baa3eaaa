// Headless Chromium for end-to-end tests: Debian's `chromium` package driven by playwright-core
// (no browser download). WebGL runs on SwiftShader (CPU) so MapLibre can draw without a GPU.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The Chromium binary: CHROMIUM_PATH, or Debian's /usr/bin/chromium. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the Chromium binary exists, for `describe.skipIf(!hasChromium())`. */
export function hasChromium(): boolean {
  return existsSync(chromiumPath);
}

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  // WebGL without a GPU: ANGLE on SwiftShader. Chromium refuses the software fallback for WebGL
  // unless it is asked for explicitly.
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
];

/**
 * Launches headless Chromium. Playwright's `launch()` gives every browser a fresh temporary
 * profile (user-data-dir) and deletes it on `close()`, so runs never share state.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds the web console (web/dist) with Vite when it is missing or older than its sources, so
 * the platform under test serves the current console.
 */
export async function ensureWebBuilt(): Promise<void> {
  const webDir = join(repoRoot, 'web');
  const index = join(webDir, 'dist', 'index.html');
  const sources = Math.max(newestMtime(join(webDir, 'src')), statSync(join(webDir, 'index.html')).mtimeMs, statSync(join(webDir, 'vite.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const { build } = await import('vite');
  await build({ configFile: join(webDir, 'vite.config.ts'), logLevel: 'warn' });
}
