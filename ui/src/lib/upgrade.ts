// What the sign-in screen says while a sign-in upgrades a database written by an older
// version (crates/store/src/upgrade.rs): the step under way, as the officer would put it.

import type { UpgradeProgress } from './types';
import { t } from './locale.svelte';

export function upgradeLine(p: UpgradeProgress): string {
  switch (p.step) {
    case 'backup':
      return t('upgrade.step.backup');
    case 'migrate':
      // `done` migrations are applied; the one under way is the next.
      return t('upgrade.step.migrate', { step: Math.min(p.done + 1, p.total), total: p.total });
    case 'convert':
      return t('upgrade.step.convert', { percent: p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0 });
    case 'reclaim':
      return t('upgrade.step.reclaim');
  }
}
