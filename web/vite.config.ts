// Builds the console: `npx vite build --config web/vite.config.ts` → web/dist.
// Dev: `npx vite --config web/vite.config.ts` answers /api with the mocks in web/dev/mock-api.ts,
// or proxies to a running platform when OCB_API_URL is set (e.g. http://127.0.0.1:8080).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { mockApi } from './dev/mock-api.ts';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const apiUrl = process.env.OCB_API_URL;

export default defineConfig({
  root: webRoot,
  base: '/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: apiUrl ? [] : [mockApi()],
  server: apiUrl ? { proxy: Object.fromEntries(['/api', '/openapi.json', '/docs', '/metrics', '/healthz', '/readyz'].map((p) => [p, apiUrl])) } : {},
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // MapLibre (≈1 MB minified) is one lazily loaded chunk that cannot be split further.
    chunkSizeWarningLimit: 1100,
    rolldownOptions: {
      // antd marks its modules "use client" (for React Server Components); irrelevant in a SPA.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('"use client"')) return;
        warn(warning);
      },
      output: {
        codeSplitting: {
          groups: [{ name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/ }],
        },
      },
    },
  },
});
