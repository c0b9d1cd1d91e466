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

const WRITE_KEY = Symbol('ansinh.canWrite');

/** App says whether the signed-in person may record and correct people's data (officers and
 * administrators; a supervisor reads only): `canWrite` is read when a component asks. */
export function provideCanWrite(canWrite: () => boolean): void {
  setContext(WRITE_KEY, canWrite);
}

/** Whether to offer the person's write actions (record, correct, open): Rust refuses them to a
 * supervisor anyway; without App (a component test) everything is offered. */
export function useCanWrite(): () => boolean {
  return hasContext(WRITE_KEY) ? getContext<() => boolean>(WRITE_KEY) : () => true;
}
