/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// The webview loads ui/dist from disk (Tauri's custom protocol), so every asset URL is
// relative and nothing is fetched from the network: fonts are bundled from @fontsource.
export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  base: './',
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    watch: { ignored: ['**/src-tauri/**', '**/target/**'] },
    // `npm run dev` in a plain browser: the commands go to `ansinh dev-server` (port 8321).
    proxy: { '/call': 'http://127.0.0.1:8321' },
  },
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  build: {
    // WebKitGTK (Linux) is the oldest engine Tauri runs on.
    target: 'safari15',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
  },
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.test.ts'],
    setupFiles: ['./tests/setup.ts'],
    restoreMocks: true,
    // Each test starts its own Rust server (tests/rust.ts): allow for a busy 2-core machine.
    testTimeout: 20_000,
  },
});
