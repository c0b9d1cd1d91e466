// A small hash router: #/beneficiaries, #/beneficiaries/new, #/beneficiaries/<id>, #/dashboard.
// The hash keeps the place across a webview reload without storing anything durable.

export type Route =
  | { name: 'list' }
  | { name: 'add' }
  | { name: 'detail'; id: string }
  | { name: 'dashboard' }
  | { name: 'followup' }
  | { name: 'verification' }
  | { name: 'grievances' };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').replace(/\/+$/, '');
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] === 'dashboard') return { name: 'dashboard' };
  if (parts[0] === 'followup' || parts[0] === 'verification' || parts[0] === 'grievances') return { name: parts[0] };
  if (parts[0] === 'beneficiaries' && parts[1] === 'new') return { name: 'add' };
  if (parts[0] === 'beneficiaries' && parts[1]) return { name: 'detail', id: decodeURIComponent(parts[1]) };
  return { name: 'list' };
}

export function hrefOf(route: Route): string {
  switch (route.name) {
    case 'list':
      return '#/beneficiaries';
    case 'add':
      return '#/beneficiaries/new';
    case 'detail':
      return `#/beneficiaries/${encodeURIComponent(route.id)}`;
    case 'dashboard':
      return '#/dashboard';
    case 'followup':
    case 'verification':
    case 'grievances':
      return `#/${route.name}`;
  }
}

export const router = $state<{ route: Route }>({
  route: typeof window === 'undefined' ? { name: 'list' } : parseHash(window.location.hash),
});

/** Goes to `route` at once (state first, then the hash, so no event is awaited). */
export function navigate(route: Route): void {
  router.route = route;
  if (typeof window !== 'undefined') {
    const href = hrefOf(route);
    if (window.location.hash !== href) window.location.hash = href;
  }
}

/** Follows hash changes (back/forward, links); returns the function that stops it. */
export function listenToHash(): () => void {
  const onChange = () => {
    const next = parseHash(window.location.hash);
    if (hrefOf(next) !== hrefOf(router.route)) router.route = next;
  };
  onChange();
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}
