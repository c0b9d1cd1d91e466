import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import ImportPage from '../src/components/imports/ImportPage.svelte';
import ReconcilePage from '../src/components/imports/ReconcilePage.svelte';
import { FakeBackend } from '../src/lib/fake-backend';
import { PICKED_FILE_MAX_BYTES } from '../src/lib/import-files';
import type { ImportRequest, ReconcileRequest } from '../src/lib/types';
import { renderApp, renderWith } from './helpers';

const HEADER = 'Họ và tên,Ngày sinh,Giới tính,Số định danh,Mã xã/phường,Nhóm đối tượng';
const GOOD = `${HEADER}\nHoàng Văn Em,05/03/1941,Nam,001041012345,00001,elderly_80\nVũ Thị Gấm,1950,Nữ,001150009876,00004,elderly_80\n`;
const BAD = `${HEADER}\nHoàng Văn Em,05/03/1941,Nam,001041012345,00001,elderly_80\nVũ Thị Gấm,1950,Nữ,00115,00004,elderly_80\nLý Văn Hải,1945,Nam,001045000111,00001,elderly_80\n`;

async function openByPath(fake: FakeBackend, prefix: string, path: string, content: string): Promise<void> {
  fake.localFiles.set(path, content);
  await fireEvent.input(screen.getByTestId(`${prefix}-path`), { target: { value: path } });
  await fireEvent.click(screen.getByTestId(`${prefix}-path-load`));
}

describe('import page', () => {
  it('goes file → mapping → preview → apply → result and the people are then found', async () => {
    const user = userEvent.setup();
    const { fake } = renderWith(ImportPage, {});
    const before = fake.store.beneficiaries.length;
    // The real file chooser: the page reads the bytes and sends them.
    const file = new File([GOOD], 'danh-sach.csv', { type: 'text/csv' });
    await user.upload(screen.getByTestId('import-file') as HTMLInputElement, file);
    await waitFor(() => expect(screen.getByTestId('import-mapping')).toBeInTheDocument());
    const sent = fake.callsTo('import_mapping')[0] as { file: { name: string; bytes: number[] } };
    expect(sent.file.name).toBe('danh-sach.csv');
    expect(new TextDecoder().decode(new Uint8Array(sent.file.bytes))).toBe(GOOD);
    expect((screen.getByTestId('map-0') as HTMLSelectElement).value).toBe('full_name');

    await user.click(screen.getByTestId('import-preview'));
    await waitFor(() => expect(screen.getByTestId('import-totals')).toHaveTextContent('Sẽ thêm: 2'));
    expect(screen.getByTestId('preview-row-2')).toHaveTextContent('Hoàng Văn Em');
    expect(screen.getByTestId('preview-row-3')).toHaveTextContent('Thêm mới');

    // Keyboard: the apply button is a real button reached with Tab and pressed with Enter.
    screen.getByTestId('import-apply').focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.getByTestId('import-result')).toHaveTextContent('thêm 2 người'));
    expect(fake.store.beneficiaries.length).toBe(before + 2);
    expect(fake.callsTo('import_preview')).toHaveLength(2); // preview, then the validate phase of apply
    const req = (fake.callsTo('import_apply')[0] as { request: ImportRequest }).request;
    expect(req.duplicates).toBeNull();
  });

  it('an oversized file is refused, translated and named, before it is read or sent', async () => {
    const user = userEvent.setup();
    const { fake } = renderWith(ImportPage, {});
    const file = new File([GOOD], 'lon-qua.csv', { type: 'text/csv' });
    // The size the browser reports; the content is never read.
    Object.defineProperty(file, 'size', { value: PICKED_FILE_MAX_BYTES + 1 });
    await user.upload(screen.getByTestId('import-file') as HTMLInputElement, file);
    await waitFor(() => expect(screen.getByText(/Tệp lon-qua\.csv quá lớn: tối đa 128 MB/)).toBeInTheDocument());
    expect(fake.callsTo('import_mapping')).toHaveLength(0);
  });

  it('a bad row blocks the import, names the row and saves a translated report', async () => {
    const fake = new FakeBackend();
    renderWith(ImportPage, {}, fake);
    const before = fake.store.beneficiaries.length;
    await openByPath(fake, 'import', '/tmp/bad.csv', BAD);
    await waitFor(() => screen.getByTestId('import-preview'));
    await fireEvent.click(screen.getByTestId('import-preview'));
    await waitFor(() => expect(screen.getByTestId('import-error-row-3')).toHaveTextContent('Dòng 3'));
    expect(screen.getByTestId('import-error-row-3')).toHaveTextContent('Số định danh');
    expect(screen.getByTestId('import-totals')).toHaveTextContent('Dòng lỗi: 1');
    expect(screen.getByTestId('import-apply')).toBeDisabled();
    await fireEvent.click(screen.getByTestId('import-save-report'));
    await waitFor(() => expect(screen.getByTestId('import-report-path')).toHaveTextContent('.xlsx'));
    expect(fake.savedReports[0].rows[0][0]).toBe('3');
    expect(fake.savedReports[0].rows[0][2]).toContain('12 chữ số');
    expect(fake.callsTo('import_apply')).toHaveLength(0);
    expect(fake.store.beneficiaries.length).toBe(before);
  });

  it('remembers a changed mapping for the same headers', async () => {
    const fake = new FakeBackend();
    const odd = GOOD.replace('Họ và tên', 'Tên người');
    const first = renderWith(ImportPage, {}, fake);
    await openByPath(fake, 'import', '/tmp/odd.csv', odd);
    await waitFor(() => screen.getByTestId('map-0'));
    expect((screen.getByTestId('map-0') as HTMLSelectElement).value).toBe('');
    await fireEvent.change(screen.getByTestId('map-0'), { target: { value: 'full_name' } });
    await fireEvent.click(screen.getByTestId('import-preview'));
    await waitFor(() => screen.getByTestId('import-totals'));
    first.unmount();

    renderWith(ImportPage, {}, fake);
    await openByPath(fake, 'import', '/tmp/odd.csv', odd);
    await waitFor(() => screen.getByTestId('import-mapping-remembered'));
    expect((screen.getByTestId('map-0') as HTMLSelectElement).value).toBe('full_name');
  });

  it('possible duplicates need a decision; keeping them needs a reason', async () => {
    const fake = new FakeBackend();
    renderWith(ImportPage, {}, fake);
    // Same folded name, birth year and ward as the seeded "Nguyễn Văn An" (1942, 00001).
    await openByPath(fake, 'import', '/tmp/dup.csv', `${HEADER}\nNGUYEN VAN AN,1942,Nam,001042005555,00001,elderly_80\n`);
    await waitFor(() => screen.getByTestId('import-preview'));
    await fireEvent.click(screen.getByTestId('import-preview'));
    await waitFor(() => expect(screen.getByTestId('dup-2')).toHaveTextContent('Nguyễn Văn An'));
    expect(screen.getByTestId('import-apply')).toBeDisabled();
    await fireEvent.click(screen.getByTestId('dup-keep'));
    expect(screen.getByTestId('import-apply')).toBeDisabled();
    await fireEvent.input(screen.getByTestId('dup-reason'), { target: { value: 'Hai người khác nhau' } });
    expect(screen.getByTestId('import-apply')).toBeEnabled();
    await fireEvent.click(screen.getByTestId('import-apply'));
    await waitFor(() => screen.getByTestId('import-result'));
    const req = (fake.callsTo('import_apply')[0] as { request: ImportRequest }).request;
    expect(req.duplicates).toEqual({ keep: true, reason: 'Hai người khác nhau' });
  });

  it('is reached from the navigation', async () => {
    await renderApp();
    await fireEvent.click(screen.getByTestId('nav-import'));
    await waitFor(() => expect(screen.getByTestId('import-page')).toBeInTheDocument());
    await fireEvent.click(screen.getByTestId('nav-reconcile'));
    await waitFor(() => expect(screen.getByTestId('reconcile-page')).toBeInTheDocument());
  });
});

describe('reconcile page', () => {
  it('checks, applies, then closes the cycle', async () => {
    const fake = new FakeBackend();
    renderWith(ReconcilePage, {}, fake);
    await waitFor(() => screen.getByTestId('reconcile-cycle'));
    const p = fake.store.payments.find((x) => x.period === '2026-03')!;
    await fireEvent.change(screen.getByTestId('reconcile-cycle'), { target: { value: '2026-03' } });
    const file = `Mã giao dịch,Số tiền,Trạng thái,Ngày ghi có,Lý do\n${p.id},${p.amount_vnd},Hoàn trả,,Tài khoản bị khóa\n`;
    await openByPath(fake, 'reconcile', '/tmp/kq.csv', file);
    await waitFor(() => expect(screen.getByTestId('reconcile-check')).toBeEnabled());
    await fireEvent.click(screen.getByTestId('reconcile-check'));
    await waitFor(() => expect(screen.getByTestId('reconcile-preview')).toHaveTextContent('Hoàn trả: 1'));
    expect(p.status).toBe('credited');
    await fireEvent.click(screen.getByTestId('reconcile-apply'));
    await waitFor(() => expect(screen.getByTestId('reconcile-result')).toHaveTextContent('1 hoàn trả'));
    expect((fake.callsTo('reconcile_payments')[1] as { request: ReconcileRequest }).request.dry_run).toBe(false);
    expect(p.status).toBe('reversed');
    expect(p.failure_reason).toBe('Tài khoản bị khóa');

    await fireEvent.click(screen.getByTestId('reconcile-close'));
    await waitFor(() => expect(screen.getByTestId('reconcile-closed')).toBeInTheDocument());
    await fireEvent.click(screen.getByTestId('reconcile-check'));
    await waitFor(() => expect(screen.getByTestId('reconcile-errors')).toHaveTextContent('khóa'));
  });

  it('a rejected file names its rows', async () => {
    const fake = new FakeBackend();
    renderWith(ReconcilePage, {}, fake);
    await waitFor(() => screen.getByTestId('reconcile-cycle'));
    await fireEvent.change(screen.getByTestId('reconcile-cycle'), { target: { value: '2026-01' } });
    const p = fake.store.payments.find((x) => x.period === '2026-01')!;
    const file = `Mã giao dịch,Số tiền,Trạng thái,Ngày ghi có,Lý do\n${p.id},1,Thành công,05/01/2026,\nXYZ,1,Thành công,05/01/2026,\n`;
    await openByPath(fake, 'reconcile', '/tmp/kq.csv', file);
    await waitFor(() => expect(screen.getByTestId('reconcile-check')).toBeEnabled());
    await fireEvent.click(screen.getByTestId('reconcile-check'));
    await waitFor(() => expect(screen.getByTestId('reconcile-error-row-2')).toHaveTextContent('Số tiền'));
    expect(screen.getByTestId('reconcile-error-row-3')).toHaveTextContent('XYZ');
    expect(screen.getByTestId('reconcile-apply')).toBeDisabled();
  });
});
