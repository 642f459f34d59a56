import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The collector serves console/dist; in development `vite` proxies the API to a collector on localhost:8443.
export const consoleConfig = defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  server: { proxy: { '/api': { target: 'http://localhost:8443', changeOrigin: false } } },
});

// Vite reads the config file's default export; this is the one default export in the project, required by the tool.
// eslint-disable-next-line no-restricted-syntax
export default consoleConfig;
