import { render, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import { expect } from 'vitest';
import App from '../src/App.svelte';
import { backendContext } from '../src/lib/context';
import { startRust, type Rust, type StartOptions } from './rust';

/** Renders the whole app on a real Rust server (started unless given) and waits for `data-ready`. */
export async function renderApp(options: StartOptions | Rust = {}) {
  const rust = 'backend' in options ? options : await startRust(options);
  const result = render(App, { props: { backend: rust.backend } });
  await waitFor(() => expect(result.container.querySelector('main')).toHaveAttribute('data-ready', 'true'), {
    timeout: 5000,
  });
  return { ...result, rust };
}

/** Renders one component with a real Rust server's backend in its context. */
export function renderWith<P extends Record<string, unknown>>(component: Component<P>, props: P, rust: Rust) {
  const options = { props, context: backendContext(rust.backend) };
  const result = render(component as unknown as Component<Record<string, unknown>>, options);
  return { ...result, rust };
}
