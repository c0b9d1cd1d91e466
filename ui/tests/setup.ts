import '@testing-library/jest-dom/vitest';
import { beforeEach } from 'vitest';
import { resetListState } from '../src/lib/list-state.svelte';
import { navigate } from '../src/lib/router.svelte';
import { setLang } from '../src/lib/locale.svelte';

// Each test starts on the list, in Vietnamese, with an empty search (module state is shared
// within a test file). @testing-library/svelte's vite plugin unmounts after each test.
beforeEach(() => {
  resetListState();
  navigate({ name: 'list' });
  setLang('vi');
});
