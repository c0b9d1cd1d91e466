// The current interface language as reactive state. It lives only in memory: the durable
// choice is Rust's (`set_language`, read back from `app_info`), never the webview's storage.

import type { FieldError, Lang, Unit } from './types';
import { DEFAULT_LANG, translate, translateEnum, translateError, type Key } from './i18n';

export const locale = $state<{ lang: Lang }>({ lang: DEFAULT_LANG });

export function setLang(lang: Lang): void {
  locale.lang = lang;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

/** Translated text in the current language (reactive in templates and $derived). */
export function t(key: Key, params?: Record<string, string | number>): string {
  return translate(locale.lang, key, params);
}

/** A ward or commune as officers pick it: names repeat across the country, so the code shows
 *  too, and units from the shipped sample list say so. */
export function unitLabel(u: Unit): string {
  return `${u.name} (${u.code})${u.is_sample ? ` ${t('unit.sample')}` : ''}`;
}

/** Label of an enumeration value in the current language. */
export function te(prefix: string, value: string | null | undefined): string {
  return translateEnum(locale.lang, prefix, value);
}

/** An error's text in the current language. */
export function terr(err: Pick<FieldError, 'code' | 'message' | 'params'>): string {
  return translateError(locale.lang, err);
}
