import { render, waitFor } from '@testing-library/svelte';
import type { Component } from 'svelte';
import { expect } from 'vitest';
import App from '../src/App.svelte';
import { backendContext } from '../src/lib/context';
import { FakeBackend, type FakeOptions } from '../src/lib/fake-backend';

/** Renders the whole app on the fake and waits for `data-ready`. */
export async function renderApp(options: FakeOptions = {}, fake = new FakeBackend(options)) {
  const result = render(App, { props: { backend: fake } });
  await waitFor(() => expect(result.container.querySelector('main')).toHaveAttribute('data-ready', 'true'));
  return { ...result, fake };
}

/** Renders one component with the fake backend in its context. */
export function renderWith<P extends Record<string, unknown>>(
  component: Component<P>,
  props: P,
  fake = new FakeBackend(),
) {
  const options = { props, context: backendContext(fake) };
  const result = render(component as unknown as Component<Record<string, unknown>>, options);
  return { ...result, fake };
}
