import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves the build under /app/ (src/web/workspace.routes.ts), so every asset URL in
// index.html must start with that prefix.
export const config = defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    // `vite --config web/vite.config.ts` for development: API calls go to a local Parley server.
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/signin': 'http://127.0.0.1:3000',
      '/signout': 'http://127.0.0.1:3000',
    },
  },
});

export default config;
