import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { navigate } from '../src/lib/router.svelte';
import { renderApp } from './helpers';

describe('audit log export (issue 14: a command added in two places)', () => {
  it('writes the whole log into the export folder, says where, and the export is audited', async () => {
    const user = userEvent.setup();
    const { rust } = await renderApp();
    navigate({ name: 'audit' });
    await screen.findByTestId('audit-status');
    await user.click(screen.getByTestId('audit-export'));
    const shown = await screen.findByTestId('audit-export-path', {}, { timeout: 5000 });
    const path = shown.getAttribute('data-path') ?? '';
    expect(path.startsWith(join(rust.dir, 'exports'))).toBe(true);
    expect(path.endsWith('.xlsx') && existsSync(path)).toBe(true);
    expect(shown).toHaveTextContent(`Đã lưu nhật ký vào: ${path}`);
    expect(rust.callsTo('export_audit_log')).toEqual([{}]);
    const last = (await rust.direct.audit_log({ query: { limit: 1, offset: 0 } })).entries[0];
    await waitFor(() => expect(last?.action).toBe('export'));
    expect((last?.details as { what: string }).what).toBe('audit_log');
  });
});
