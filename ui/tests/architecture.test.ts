import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// (jsdom replaces the global URL, so resolve from the file path rather than `new URL`.)
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const TAURI = '@tauri' + '-apps';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const sources = files(SRC).filter((f) => /\.(ts|js|svelte|mjs|cjs)$/.test(f));

describe('architecture', () => {
  it('finds the sources', () => {
    expect(sources.length).toBeGreaterThan(10);
  });

  it('imports @tauri-apps only in lib/backend.ts', () => {
    const pattern = new RegExp(
      `(from\\s*['"]${TAURI}|import\\s*\\(?\\s*['"]${TAURI}|require\\(\\s*['"]${TAURI})`,
    );
    const offenders = sources
      .filter((f) => pattern.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f).split(sep).join('/'));
    expect(offenders).toEqual(['lib/backend.ts']);
  });

  it('stores nothing durable in the webview', () => {
    const pattern = /\b(localStorage|sessionStorage|indexedDB|document\.cookie)\b/;
    const offenders = sources.filter((f) => pattern.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('fetches nothing from the network (fonts are bundled)', () => {
    const pattern = /(fetch\(|XMLHttpRequest|@import\s+url\(\s*['"]?https?:|fonts\.googleapis)/;
    const offenders = sources
      .concat(files(SRC).filter((f) => f.endsWith('.css')))
      .filter((f) => pattern.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
    const main = readFileSync(join(SRC, 'main.ts'), 'utf8');
    for (const w of ['400', '600', '700']) expect(main).toContain(`@fontsource/be-vietnam-pro/${w}.css`);
  });
});
