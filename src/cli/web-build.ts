import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webRoot = fileURLToPath(new URL('../../web', import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** True when web/dist is missing or older than the console's sources. */
export function webBuildIsStale(): boolean {
  const index = path.join(webRoot, 'dist', 'index.html');
  if (!fs.existsSync(index)) return true;
  const built = fs.statSync(index).mtimeMs;
  const sources = Math.max(newestMtime(path.join(webRoot, 'src')), fs.statSync(path.join(webRoot, 'index.html')).mtimeMs);
  return sources > built;
}

/**
 * Build the web console with Vite when it is missing or stale, so `npm start` from a fresh
 * checkout needs no separate build step.
 */
export async function ensureWebBuilt(log: (line: string) => void): Promise<void> {
  if (!webBuildIsStale()) return;
  log('building the web console (Vite)…');
  const started = Date.now();
  const { build } = await import('vite');
  await build({ configFile: path.join(webRoot, 'vite.config.ts'), logLevel: 'warn' });
  log(`web console built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
