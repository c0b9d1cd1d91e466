// The user guides (docs/HUONG-DAN.md, docs/USER-GUIDE.md) show only pictures the end-to-end run
// takes: every `guide/NAME.png` they reference is written by a screenshot call of tests/e2e
// (`screenshot_office("NAME")`, or the layout test's `layout-<page>.png` of each sidebar page),
// and is in docs/guide/ once `bash scripts/guide-shots.sh` copied the run's pictures there.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NAV_GROUPS } from '../src/lib/nav';

// (jsdom replaces the global URL, so resolve from the file path rather than `new URL`.)
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const GUIDES = ['docs/HUONG-DAN.md', 'docs/USER-GUIDE.md'] as const;
const E2E = join(ROOT, 'tests/e2e');

/** The picture names a guide references as `guide/NAME.png`, sorted, each once. */
function pictures(guide: string): string[] {
  const text = readFileSync(join(ROOT, guide), 'utf8');
  const names = [...text.matchAll(/\bguide\/([A-Za-z0-9._-]+\.png)\b/g)].map((m) => m[1]);
  return [...new Set(names)].sort();
}

const e2eSources = readdirSync(E2E)
  .filter((f) => f.endsWith('.rs'))
  .map((f) => readFileSync(join(E2E, f), 'utf8'));

/** Names the e2e tests save with `screenshot_office("NAME")`. */
const officeShots = new Set(
  e2eSources.flatMap((src) => [...src.matchAll(/screenshot_office\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1])),
);

/** The layout test pictures each sidebar page as `layout-<page>.png` (page: its `nav-<page>` link). */
const layoutLoop = e2eSources.some((src) => src.includes('format!("layout-{}.png"'));
const sidebarPages = new Set<string>(NAV_GROUPS.flatMap((g) => g.pages));

function takenByE2e(name: string): boolean {
  if (officeShots.has(name)) return true;
  const layout = /^layout-(.+)\.png$/.exec(name);
  return layout !== null && layoutLoop && sidebarPages.has(layout[1]);
}

describe('user guides', () => {
  const vi = pictures(GUIDES[0]);
  const en = pictures(GUIDES[1]);

  it('show pictures', () => {
    expect(vi.length).toBeGreaterThan(0);
  });

  it('show the same pictures in Vietnamese and English', () => {
    expect(en).toEqual(vi);
  });

  it('show only pictures the e2e run takes', () => {
    const all = [...new Set([...vi, ...en])].sort();
    expect(all.filter((name) => !takenByE2e(name))).toEqual([]);
  });

  it('have each picture in docs/guide/ (bash scripts/guide-shots.sh after the e2e run)', () => {
    const all = [...new Set([...vi, ...en])].sort();
    expect(all.filter((name) => !existsSync(join(ROOT, 'docs/guide', name)))).toEqual([]);
  });
});
