// A small hash router: #/beneficiaries, #/beneficiaries/new, #/beneficiaries/<id>,
// #/beneficiaries/<id>/edit, #/dashboard. `?open=account|payment|withdrawal:<payment id>` on a
// person's page opens that form (how an unfinished draft is resumed).
// The hash keeps the place across a webview reload without storing anything durable.

export type Route =
  | { name: 'list' }
  | { name: 'add' }
  | { name: 'detail'; id: string; open?: string }
  | { name: 'edit'; id: string }
  | { name: 'dashboard' }
  | { name: 'import' }
  | { name: 'reconcile' }
  | { name: 'payouts' }
  | { name: 'followup' }
  | { name: 'signed' }
  | { name: 'uncollected' }
  | { name: 'verification' }
  | { name: 'grievances' }
  | { name: 'users' }
  | { name: 'audit' }
  | { name: 'exchange' }
  | { name: 'review' };

export function parseHash(hash: string): Route {
  const [rawPath, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const path = rawPath.replace(/\/+$/, '');
  const parts = path.split('/').filter((p) => p !== '');
  const open = new URLSearchParams(query).get('open') ?? undefined;
  if (parts[0] === 'dashboard') return { name: 'dashboard' };
  if (parts[0] === 'import') return { name: 'import' };
  if (parts[0] === 'reconcile') return { name: 'reconcile' };
  if (parts[0] === 'payouts') return { name: 'payouts' };
  if (parts[0] === 'users' || parts[0] === 'audit') return { name: parts[0] };
  if (parts[0] === 'followup' || parts[0] === 'verification' || parts[0] === 'grievances') return { name: parts[0] };
  if (parts[0] === 'signed') return { name: 'signed' };
  if (parts[0] === 'followup' || parts[0] === 'uncollected' || parts[0] === 'verification' || parts[0] === 'grievances') return { name: parts[0] };
  if (parts[0] === 'exchange' || parts[0] === 'review') return { name: parts[0] };
  if (parts[0] === 'beneficiaries' && parts[1] === 'new') return { name: 'add' };
  if (parts[0] === 'beneficiaries' && parts[1] && parts[2] === 'edit') {
    return { name: 'edit', id: decodeURIComponent(parts[1]) };
  }
  if (parts[0] === 'beneficiaries' && parts[1]) {
    const id = decodeURIComponent(parts[1]);
    return open ? { name: 'detail', id, open } : { name: 'detail', id };
  }
  return { name: 'list' };
}

export function hrefOf(route: Route): string {
  switch (route.name) {
    case 'list':
      return '#/beneficiaries';
    case 'add':
      return '#/beneficiaries/new';
    case 'detail': {
      const base = `#/beneficiaries/${encodeURIComponent(route.id)}`;
      return route.open ? `${base}?open=${encodeURIComponent(route.open)}` : base;
    }
    case 'edit':
      return `#/beneficiaries/${encodeURIComponent(route.id)}/edit`;
    case 'dashboard':
      return '#/dashboard';
    case 'import':
      return '#/import';
    case 'reconcile':
      return '#/reconcile';
    case 'payouts':
    case 'followup':
    case 'signed':
    case 'uncollected':
    case 'verification':
    case 'grievances':
    case 'users':
    case 'audit':
    case 'exchange':
    case 'review':
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
