import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Paths are resolved from this file so the build works from any working directory.
const uiRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root: uiRoot,
  base: '/',
  // @vitejs/plugin-react is not installed: Vite 8 transforms JSX itself with oxc.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: `${repoRoot}dist/admin-ui`,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    // `vite --config apps/admin-ui/vite.config.mts` during development, next to `npm run start:dev`.
    proxy: { '/api': 'http://localhost:3000' },
  },
});
