import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import ExchangePage from '../src/components/ExchangePage.svelte';
import { PICKED_FILE_MAX_BYTES } from '../src/lib/import-files';
import { renderWith } from './helpers';
import { startRust } from './rust';

describe('exchange page, oversized files', () => {
  it('refuses a bundle or a receipt over the cap before reading or sending it, translated and named', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    renderWith(ExchangePage, {}, rust);
    await waitFor(() => expect(screen.getByTestId('exchange-device')).toBeInTheDocument());
    const bundle = new File(['x'], 'phuong-1.ansinh');
    Object.defineProperty(bundle, 'size', { value: PICKED_FILE_MAX_BYTES + 1 });
    await user.upload(screen.getByTestId('exchange-file') as HTMLInputElement, bundle);
    await waitFor(() =>
      expect(screen.getByTestId('form-error')).toHaveTextContent('Tệp phuong-1.ansinh quá lớn: tối đa 128 MB'),
    );
    expect(screen.queryByTestId('exchange-apply')).toBeNull();

    const receipt = new File(['x'], 'bien-nhan.json');
    Object.defineProperty(receipt, 'size', { value: PICKED_FILE_MAX_BYTES + 1 });
    await user.upload(screen.getByTestId('exchange-receipt-file') as HTMLInputElement, receipt);
    await waitFor(() => expect(screen.getByTestId('form-error')).toHaveTextContent('Tệp bien-nhan.json quá lớn'));
    expect(rust.callsTo('exchange_import')).toHaveLength(0);
    expect(rust.callsTo('exchange_import_receipt')).toHaveLength(0);
  });
});
