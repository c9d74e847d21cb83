import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

// Preact through esbuild's automatic JSX runtime: no Babel preset needed.
export default defineConfig({
  root: here,
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { outDir: `${here}../../dist/web`, emptyOutDir: true, sourcemap: true, target: 'es2022' },
  logLevel: 'warn',
});
