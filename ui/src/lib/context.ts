// How components obtain the backend: App puts it in a Svelte context (`provideBackend`), every
// component reads it with `useBackend()`. Tests render a component with
// `context: backendContext(rust.backend)` or App with it as its `backend` prop (ui/tests/rust.ts).

import { getContext, hasContext, setContext } from 'svelte';
import type { Backend } from './backend';

const KEY = Symbol('ansinh.backend');

export function provideBackend(backend: Backend): Backend {
  setContext(KEY, backend);
  return backend;
}

export function useBackend(): Backend {
  if (!hasContext(KEY)) {
    throw new Error('No backend in context: render inside <App> or pass backendContext(...)');
  }
  return getContext<Backend>(KEY);
}

/** A context map for `render(Component, { context })` or `mount(…, { context })`. */
export function backendContext(backend: Backend): Map<unknown, unknown> {
  return new Map<unknown, unknown>([[KEY, backend]]);
}
