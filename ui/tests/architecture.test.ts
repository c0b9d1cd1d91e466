import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/lib/generated/commands';

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
const rel = (f: string) => relative(SRC, f).split(sep).join('/');

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

  it('fetches nothing from the network (fonts are bundled); only the development transport calls the local server', () => {
    const pattern = /(fetch\(|XMLHttpRequest|@import\s+url\(\s*['"]?https?:|fonts\.googleapis)/;
    const offenders = sources
      .concat(files(SRC).filter((f) => f.endsWith('.css')))
      .filter((f) => pattern.test(readFileSync(f, 'utf8')))
      .map(rel);
    // lib/backend.ts: `ansinh dev-server`'s HTTP transport, one fetch of `{url}/call/{command}`.
    expect(offenders).toEqual(['lib/backend.ts']);
    const backend = readFileSync(join(SRC, 'lib/backend.ts'), 'utf8');
    expect(backend.match(/fetch\(/g)).toHaveLength(1);
    expect(backend).toMatch(/fetch\(`\$\{url\}\/call\/\$\{command\}`/);
    expect(backend).not.toMatch(/XMLHttpRequest|https?:\/\//);
    // The app uses it only in development outside Tauri; the built app has Tauri's transport.
    const users = sources.filter((f) => /\bhttpBackend\(/.test(readFileSync(f, 'utf8'))).map(rel);
    expect(users.sort()).toEqual(['lib/backend.ts', 'main.ts']);
    const main = readFileSync(join(SRC, 'main.ts'), 'utf8');
    expect(main).toMatch(/if \(import\.meta\.env\.DEV && !inTauri\(\)\) \{[^}]*httpBackend\(/);
    expect(main).toMatch(/return tauriBackend;/);
    for (const w of ['400', '600', '700']) expect(main).toContain(`@fontsource/be-vietnam-pro/${w}.css`);
  });
});

describe('the rules live in Rust', () => {
  it('has no fake, mock or stub backend under src', () => {
    const named = files(SRC)
      .map(rel)
      .filter((f) => /(^|\/)[^/]*(fake|mock|stub)[^/]*$/i.test(f));
    expect(named).toEqual([]);
  });

  it('makes a backend only in lib/backend.ts, from the generated command list', () => {
    const pattern = /\bmakeBackend\(|\bimplements\s+Backend\b|\bsatisfies\s+Backend\b|\bas\s+Backend\b|:\s*Backend\s*=\s*\{/;
    const offenders = sources.filter((f) => pattern.test(readFileSync(f, 'utf8'))).map(rel);
    expect(offenders).toEqual(['lib/backend.ts']);
    const backend = readFileSync(join(SRC, 'lib/backend.ts'), 'utf8');
    expect(backend).toMatch(/for \(const command of COMMANDS\)/);
  });

  it('answers no command in TypeScript: no handler is defined under a command name', () => {
    const generated = join(SRC, 'lib/generated');
    const names = COMMANDS.join('|');
    // A method (`login(…) {`), a property (`login: async (…) =>`) or an assignment
    // (`x.login = async …`) named after a command; calling one (`api.login(…)`) is fine.
    const handler = new RegExp(
      `^\\s*(?:async\\s+)?(?:${names})\\s*\\([^)]*\\)\\s*(?::[^{=]+)?\\{|\\b(?:${names})\\s*[:=]\\s*(?:async\\b|\\([^)]*\\)\\s*=>|function\\b)`,
      'm',
    );
    expect(handler.test('  async add_beneficiary(args) {')).toBe(true);
    expect(handler.test('x.login = async () => null')).toBe(true);
    expect(handler.test('{ metrics: async (a) => a }')).toBe(true);
    expect(handler.test('await api.login({ input })')).toBe(false);
    const offenders = sources
      .filter((f) => !f.startsWith(generated))
      .filter((f) => handler.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(offenders).toEqual([]);
  });
});
