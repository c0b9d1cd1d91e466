import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from '../src/lib/locale.svelte';
import { upgradeLine } from '../src/lib/upgrade';

describe('the sign-in screen during an upgrade', () => {
  afterEach(() => setLang('vi'));

  it('names the step under way, counting migrations from one and the conversion in percent', () => {
    expect(upgradeLine({ step: 'backup', done: 0, total: 0 })).toBe('Đang sao lưu dữ liệu trước khi nâng cấp…');
    expect(upgradeLine({ step: 'migrate', done: 0, total: 4 })).toContain('(bước 1/4)');
    expect(upgradeLine({ step: 'migrate', done: 3, total: 4 })).toContain('(bước 4/4)');
    expect(upgradeLine({ step: 'convert', done: 1_234_567, total: 2_000_000 })).toContain('dạng gọn: 61%');
    expect(upgradeLine({ step: 'convert', done: 0, total: 0 })).toContain(': 0%');
    expect(upgradeLine({ step: 'reclaim', done: 0, total: 0 })).toBe('Đang trả lại dung lượng đĩa đã giải phóng…');
    setLang('en');
    expect(upgradeLine({ step: 'migrate', done: 1, total: 3 })).toBe(
      'Upgrading the database to the new version (step 2 of 3)…',
    );
  });
});
