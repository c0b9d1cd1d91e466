// Entry point: bundled fonts (full Vietnamese coverage, no network), styles, and the app
// mounted with the real Tauri backend. In a plain browser during `npm run dev` (no Tauri), the
// UI talks to the real Rust through `ansinh dev-server` (Vite proxies `/call` to it): open
// http://localhost:1420/#token=<the token it printed>.
import '@fontsource/be-vietnam-pro/400.css';
import '@fontsource/be-vietnam-pro/600.css';
import '@fontsource/be-vietnam-pro/700.css';
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { httpBackend, inTauri, tauriBackend, type Backend } from './lib/backend';

function pickBackend(): Backend {
  if (import.meta.env.DEV && !inTauri()) {
    const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
    return httpBackend('', token);
  }
  return tauriBackend;
}

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

mount(App, { target, props: { backend: pickBackend() } });
