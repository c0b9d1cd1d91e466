// Entry point: bundled fonts (full Vietnamese coverage, no network), styles, and the app
// mounted with the real Tauri backend. In a plain browser during `npm run dev` (no Tauri),
// the in-memory fake is used instead so the UI can be tried without the desktop shell.
import '@fontsource/be-vietnam-pro/400.css';
import '@fontsource/be-vietnam-pro/600.css';
import '@fontsource/be-vietnam-pro/700.css';
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { inTauri, tauriBackend, type Backend } from './lib/backend';

async function pickBackend(): Promise<Backend> {
  if (import.meta.env.DEV && !inTauri()) {
    const { FakeBackend } = await import('./lib/fake-backend');
    return new FakeBackend({ empty: new URLSearchParams(window.location.search).has('empty') });
  }
  return tauriBackend;
}

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

void pickBackend().then((backend) => mount(App, { target, props: { backend } }));
