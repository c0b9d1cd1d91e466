// Display formats: dates dd/mm/yyyy, money `1.250.000 ₫` (VND has no minor unit), shares as
// percentages with one decimal (comma decimal in Vietnamese). Hand-written rather than Intl so
// the output is identical in every webview and in jsdom.

import type { Lang } from './types';

export const DASH = '—';

/** ISO `yyyy-mm-dd` (or a timestamp starting with it) → `dd/mm/yyyy`; null/empty → "—". */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return `${m[3]}/${m[2]}/${m[1]}`;
}

/** A UTC timestamp (RFC 3339) → `dd/mm/yyyy HH:mm` in this computer's time zone; null → "—". */
export function formatDateTime(stamp: string | null | undefined): string {
  if (!stamp) return DASH;
  const d = new Date(stamp);
  if (Number.isNaN(d.getTime())) return stamp;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** ISO `yyyy-mm` (a payment period) → `mm/yyyy`. */
export function formatPeriod(period: string | null | undefined): string {
  if (!period) return DASH;
  const m = /^(\d{4})-(\d{2})/.exec(period);
  if (!m) return period;
  return `${m[2]}/${m[1]}`;
}

/** Birth date when known, else the birth year alone. */
export function formatBirth(birthDate: string | null | undefined, birthYear: number | null | undefined): string {
  if (birthDate) return formatDate(birthDate);
  if (birthYear) return String(birthYear);
  return DASH;
}

/** 1250000 → "1.250.000" (dots between thousands, as written in Vietnam). */
export function groupThousands(n: number): string {
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.trunc(Math.abs(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** 1250000 → "1.250.000 ₫"; null → "—". */
export function formatMoney(vnd: number | null | undefined): string {
  if (vnd === null || vnd === undefined || !Number.isFinite(vnd)) return DASH;
  return `${groupThousands(Math.round(vnd))} ₫`;
}

/** A share 0..1 as a percentage with one decimal: vi "45,5 %", en "45.5%"; null → "—". */
export function formatPercent(share: number | null | undefined, lang: Lang): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return DASH;
  const text = (Math.round(share * 1000) / 10).toFixed(1);
  return lang === 'vi' ? `${text.replace('.', ',')} %` : `${text}%`;
}

/** Whole days, or "—" when there is no value (e.g. fewer than half withdrawn yet). */
export function formatDays(days: number | null | undefined): string {
  if (days === null || days === undefined || !Number.isFinite(days)) return DASH;
  return String(Math.round(days));
}

/** A count as plain digits (kept machine-readable: no grouping). */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  return String(Math.round(n));
}

/** A file's size: "850 KB", "12,4 MB", "2,7 GB" (vi decimal comma; en "12.4 MB"). */
export function formatBytes(bytes: number, lang: Lang): string {
  const units: [number, string][] = [
    [1024 ** 3, 'GB'],
    [1024 ** 2, 'MB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const text = (Math.round((bytes / size) * 10) / 10).toFixed(1);
      return `${lang === 'vi' ? text.replace('.', ',') : text} ${unit}`;
    }
  }
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** Today as the officer would type it: `dd/mm/yyyy`. */
export function todayText(now: Date = new Date()): string {
  const dd = String(now.getDate()).padStart(2, '0');
  const mm = String(now.getMonth() + 1).padStart(2, '0');
  return `${dd}/${mm}/${now.getFullYear()}`;
}

/** True when `text` looks like a complete typed date `d/m/yyyy` (Rust still validates it). */
export function looksLikeTypedDate(text: string): boolean {
  return /^\s*\d{1,2}\/\d{1,2}\/\d{4}\s*$/.test(text);
}

/** Whole days from ISO date `from` to ISO date `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const day = (iso: string) => {
    const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
    return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
  };
  return day(to) - day(from);
}

/** Today as ISO `yyyy-mm-dd` (local calendar). */
export function todayIso(now: Date = new Date()): string {
  const mm = String(now.getMonth() + 1).padStart(2, '0');
  const dd = String(now.getDate()).padStart(2, '0');
  return `${now.getFullYear()}-${mm}-${dd}`;
}

/** `•••• 6789`: an account number as lists and the person's page show it (as Rust masks it). */
export function maskAccountNumber(n: string): string {
  const chars = [...n.replace(/\s+/g, '')];
  if (chars.length === 0) return '';
  return chars.length <= 4 ? '••••' : `•••• ${chars.slice(-4).join('')}`;
}
