import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import ExchangePage from '../src/components/ExchangePage.svelte';
import { WARDS } from './fixtures';
import { renderWith } from './helpers';
import { startRust } from './rust';

describe('exchange page, what this desktop is', () => {
  it("declares a ward's desktop or the city office's, and the city writes the reference file", async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    renderWith(ExchangePage, {}, rust);
    await waitFor(() => expect(screen.getByTestId('exchange-device')).toBeInTheDocument());
    await waitFor(() =>
      expect(screen.getByTestId('exchange-office-ward').querySelector(`option[value="${WARDS.ngocHa.code}"]`)).not.toBeNull(),
    );
    // A ward's desktop: only a ward desktop, no reference file to write.
    await user.selectOptions(screen.getByTestId('exchange-office-ward'), WARDS.ngocHa.code);
    await user.click(screen.getByTestId('exchange-office-save'));
    expect(await screen.findByTestId('exchange-office-saved')).toHaveTextContent('Máy của xã/phường Phường Ngọc Hà');
    expect((await rust.direct.exchange_overview()).keys.ward).toBe(WARDS.ngocHa.code);
    expect(screen.queryByTestId('exchange-reference-export')).not.toBeInTheDocument();

    // The city office: every ward; it writes the signed reference file for them.
    await user.selectOptions(screen.getByTestId('exchange-office-kind'), 'city');
    expect(screen.queryByTestId('exchange-office-ward')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('exchange-office-save'));
    expect(await screen.findByTestId('exchange-office-saved')).toHaveTextContent('Máy của văn phòng thành phố');
    expect((await rust.direct.exchange_overview()).city_office).toBe(true);
    await user.click(await screen.findByTestId('exchange-reference-export'));
    const saved = await screen.findByTestId('exchange-reference-path');
    const path = /(\/\S+ansinh-tham-chieu\.json)/.exec(saved.textContent ?? '')?.[1];
    expect(path && existsSync(path)).toBe(true);
  });

  it('refuses a ward that does not exist, in the shared rules', async () => {
    const rust = await startRust();
    await expect(rust.direct.exchange_set_office({ ward: '99999' })).rejects.toMatchObject({ code: 'ward.unknown' });
    expect((await rust.direct.exchange_overview()).city_office).toBe(false);
  });
});
