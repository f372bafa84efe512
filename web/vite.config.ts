import { defineConfig } from 'vite';

// The eisgrid server serves dist/ at / and dist/assets/ at /assets/.
// `npm run dev` proxies /api to a running `eisgrid serve` (EISGRID_API, default http://127.0.0.1:5001).
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: { '/api': process.env.EISGRID_API ?? 'http://127.0.0.1:5001' },
  },
});
