import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { closeSync, existsSync, ftruncateSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import ImportPage from '../src/components/imports/ImportPage.svelte';
import ReconcilePage from '../src/components/imports/ReconcilePage.svelte';
import { PICKED_FILE_MAX_BYTES } from '../src/lib/import-files';
import type { ErrorReport, ImportRequest, PickedFile, ReconcileRequest } from '../src/lib/types';
import { renderApp, renderWith } from './helpers';
import { personInput } from './fixtures';
import { startRust, type Rust } from './rust';

const HEADER = 'Họ và tên,Ngày sinh,Giới tính,Số định danh,Mã xã/phường,Nhóm đối tượng';
const GROUP = 'cao_tuoi_80_khong_luong';
const GOOD = `${HEADER}\nHoàng Văn Em,05/03/1941,Nam,001041012345,00004,${GROUP}\nVũ Thị Gấm,1940,Nữ,001140009876,00070,${GROUP}\n`;
const BAD = `${HEADER}\nHoàng Văn Em,05/03/1941,Nam,001041012345,00004,${GROUP}\nVũ Thị Gấm,1940,Nữ,00114,00070,${GROUP}\nLý Văn Hải,1945,Nam,001045000111,00004,${GROUP}\n`;

/** An officer's own list: title block, two-row header (birth date under Nam / Nữ), column
 *  numbers, an ID stored as a number, a group in other words, totals and signatures, no ward. */
const OFFICERS_LIST = [
  'UBND PHƯỜNG BA ĐÌNH;;;;CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM;;;',
  ';;;;Độc lập - Tự do - Hạnh phúc;;;',
  'DANH SÁCH ĐỐI TƯỢNG HƯỞNG TRỢ CẤP XÃ HỘI HÀNG THÁNG;;;;;;;',
  'STT;Họ và tên;Ngày tháng năm sinh;;Số CCCD/Định danh;Tổ dân phố;Đối tượng;Ghi chú',
  ';;Nam;Nữ;;;;',
  '(1);(2);(3);(4);(5);(6);(7);(8)',
  '1;Nguyễn  Văn An ;05/03/1941;;1041012345;Tổ 5;Người cao tuổi từ 80 tuổi;',
  '2;Trần Thị Bình;;1950;1150001234;Tổ 7;Người khuyết tật nặng;',
  ';Tổng cộng;;;;;;',
  ';Người lập biểu;;;;Chủ tịch;;',
].join('\n') + '\n';

/** A CSV as the picker gives it to the page: `{name, bytes}`. */
const picked = (name: string, content: string): PickedFile => ({ name, bytes: Array.from(new TextEncoder().encode(content)) });
const asFile = (f: PickedFile) => new File([new Uint8Array(f.bytes)], f.name, { type: 'text/csv' });
const text = (f: PickedFile) => new TextDecoder().decode(new Uint8Array(f.bytes));

/** Picks `file` in the page's real file input. */
async function pick(prefix: string, file: PickedFile): Promise<void> {
  await userEvent.setup().upload(screen.getByTestId(`${prefix}-file`) as HTMLInputElement, asFile(file));
}

/** The documented fallback: the file written to disk, its path typed, Rust's `read_local_file`. */
async function openByPath(rust: Rust, prefix: string, file: PickedFile): Promise<string> {
  const path = join(rust.dir, file.name);
  writeFileSync(path, new Uint8Array(file.bytes));
  await fireEvent.input(screen.getByTestId(`${prefix}-path`), { target: { value: path } });
  await fireEvent.click(screen.getByTestId(`${prefix}-path-load`));
  return path;
}

const people = async (rust: Rust) => (await rust.direct.search_beneficiaries({ query: { text: '', limit: 50, offset: 0 } })).total;

const pad = (n: number) => String(n).padStart(2, '0');

/** A person with one cash payment for the cycle two months back, credited on the 5th. */
async function paidPerson(rust: Rust): Promise<{ beneficiaryId: string; paymentId: string; period: string; amount: number }> {
  const b = await rust.direct.add_beneficiary({
    input: personInput({
      full_name: 'Nguyễn Văn An',
      birth_date: '15/03/1942',
      sex: 'male',
      id_number: '001042001234',
      ward_code: '00004',
      group_code: GROUP,
    }),
  });
  const now = new Date();
  const month = new Date(now.getFullYear(), now.getMonth() - 2, 5);
  const [mm, yyyy] = [pad(month.getMonth() + 1), month.getFullYear()];
  const p = await rust.direct.record_payment({
    input: {
      beneficiary_id: b.id,
      account_id: null,
      period: `${mm}/${yyyy}`,
      amount: '',
      status: 'credited',
      credited_on: `05/${mm}/${yyyy}`,
      failure_reason: '',
      one_off: false,
      label: '',
    },
  });
  return { beneficiaryId: b.id, paymentId: p.id, period: p.period, amount: p.amount_vnd };
}

describe('import page', () => {
  it('goes file → mapping → preview → apply → result and the people are then found', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    renderWith(ImportPage, {}, rust);
    // The real file chooser: the page reads the bytes and sends them.
    await pick('import', picked('danh-sach.csv', GOOD));
    await waitFor(() => expect(screen.getByTestId('import-mapping')).toBeInTheDocument());
    const sent = rust.callsTo('import_mapping')[0].file;
    expect(sent.name).toBe('danh-sach.csv');
    expect(text(sent)).toBe(GOOD);
    // Rust's automatic mapping of the Vietnamese headers.
    expect((screen.getByTestId('map-0') as HTMLSelectElement).value).toBe('full_name');
    expect((screen.getByTestId('map-4') as HTMLSelectElement).value).toBe('ward_code');
    expect(screen.queryByTestId('import-mapping-remembered')).toBeNull();

    await user.click(screen.getByTestId('import-preview'));
    await waitFor(() => expect(screen.getByTestId('import-totals')).toHaveTextContent('Sẽ thêm: 2'));
    expect(screen.getByTestId('import-totals')).toHaveTextContent('Dòng lỗi: 0');
    expect(screen.getByTestId('preview-row-2')).toHaveTextContent('Hoàng Văn Em');
    expect(screen.getByTestId('preview-row-2')).toHaveTextContent('05/03/1941');
    expect(screen.getByTestId('preview-row-3')).toHaveTextContent('Thêm mới');
    // The group by its name, as the officer reads it (the code on hover), once the groups are in.
    await waitFor(() => expect(screen.getByTestId('preview-row-3')).toHaveTextContent('Người từ 80 tuổi không có lương hưu'));
    expect(screen.getByTestId('preview-row-3')).not.toHaveTextContent('cao_tuoi');
    expect(await people(rust)).toBe(0); // a preview changes nothing

    // Keyboard: the apply button is a real button reached with Tab and pressed with Enter.
    screen.getByTestId('import-apply').focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.getByTestId('import-result')).toHaveTextContent('thêm 2 người'));
    expect(rust.callsTo('import_preview')).toHaveLength(2); // preview, then the validate phase of apply
    const req = rust.callsTo('import_apply')[0].request satisfies ImportRequest;
    expect(req.duplicates).toBeNull();
    expect(req.mapping).toEqual(['full_name', 'birth_date', 'sex', 'id_number', 'ward_code', 'group_code']);
    const found = await rust.direct.search_beneficiaries({ query: { text: 'Vũ Thị Gấm', limit: 50, offset: 0 } });
    expect(found.items.map((b) => [b.full_name, b.ward_code, b.sex, b.birth_year])).toEqual([['Vũ Thị Gấm', '00070', 'female', 1940]]);
    expect(await people(rust)).toBe(2);

    // The same file again: both are already registered and left as they are.
    await user.click(screen.getByTestId('import-new'));
    await pick('import', picked('danh-sach.csv', GOOD));
    await waitFor(() => screen.getByTestId('import-preview'));
    await user.click(screen.getByTestId('import-preview'));
    await waitFor(() => expect(screen.getByTestId('import-totals')).toHaveTextContent('Sẽ thêm: 0 · Đã có (giữ nguyên): 2'));
  });

  it("reads an officer's own list: the ward chosen for the file, skipped rows shown, a value mapped and remembered", async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    renderWith(ImportPage, {}, rust);
    await pick('import', picked('danh-sach-thang-10.csv', OFFICERS_LIST));
    await waitFor(() => expect(screen.getByTestId('import-mapping')).toBeInTheDocument());
    // The header under the title block, the birth date's Nam / Nữ sub-columns.
    expect(rust.callsTo('import_mapping')).toHaveLength(1);
    expect((screen.getByTestId('map-1') as HTMLSelectElement).value).toBe('full_name');
    expect((screen.getByTestId('map-2') as HTMLSelectElement).value).toBe('birth_date_male');
    expect((screen.getByTestId('map-3') as HTMLSelectElement).value).toBe('birth_date_female');
    // No ward column: the ward of the whole list is picked.
    await waitFor(() => expect(screen.getByTestId('import-ward').querySelectorAll('option').length).toBeGreaterThan(1));
    await user.selectOptions(screen.getByTestId('import-ward'), '00004');
    await user.click(screen.getByTestId('import-preview'));
    await waitFor(() => expect(screen.getByTestId('import-totals')).toHaveTextContent('Dòng lỗi: 1'));
    expect(screen.getByTestId('import-totals')).toHaveTextContent('Dòng bỏ qua: 8');
    expect(screen.getByTestId('skipped-1')).toHaveTextContent('Tiêu đề');
    expect(screen.getByTestId('skipped-5')).toHaveTextContent('Dòng tiêu đề cột');
    expect(screen.getByTestId('skipped-6')).toHaveTextContent('Dòng số thứ tự cột');
    expect(screen.getByTestId('skipped-9')).toHaveTextContent('Dòng tổng cộng');
    expect(screen.getByTestId('skipped-10')).toHaveTextContent('Chữ ký');
    // The group written in other words: refused on its row until mapped.
    expect(screen.getByTestId('unmapped-0')).toHaveTextContent('Người cao tuổi từ 80 tuổi');
    expect(screen.getByTestId('unmapped-0')).toHaveTextContent('1 dòng (dòng 7)');
    expect(screen.getByTestId('preview-row-7')).toHaveTextContent('Lỗi');
    expect(screen.getByTestId('import-apply')).toBeDisabled();
    await user.selectOptions(screen.getByTestId('unmapped-code-0'), 'cao_tuoi_ngheo_80');
    await user.click(screen.getByTestId('import-values-apply'));
    await waitFor(() => expect(screen.getByTestId('import-totals')).toHaveTextContent('Sẽ thêm: 2'));
    expect(screen.queryByTestId('import-unmapped')).toBeNull();
    expect(await people(rust)).toBe(0);
    await user.click(screen.getByTestId('import-apply'));
    await waitFor(() => expect(screen.getByTestId('import-result')).toHaveTextContent('thêm 2 người'));
    const req = rust.callsTo('import_apply')[0].request satisfies ImportRequest;
    expect(req.ward_code).toBe('00004');
    expect(req.values).toEqual([{ field: 'group_code', value: 'Người cao tuổi từ 80 tuổi', code: 'cao_tuoi_ngheo_80' }]);
    const found = await rust.direct.search_beneficiaries({ query: { text: 'Nguyễn Văn An', limit: 50, offset: 0 } });
    expect(found.items.map((b) => [b.full_name, b.ward_code, b.sex, b.birth_date, b.group_code, b.id_number])).toEqual([
      ['Nguyễn Văn An', '00004', 'male', '1941-03-05', 'cao_tuoi_ngheo_80', '001041012345'],
    ]);

    // Next month's list: the value mapping is remembered, nothing to choose, nothing changes.
    await user.click(screen.getByTestId('import-new'));
    await pick('import', picked('danh-sach-thang-11.csv', OFFICERS_LIST));
    await waitFor(() => screen.getByTestId('import-ward'));
    await user.selectOptions(screen.getByTestId('import-ward'), '00004');
    await user.click(screen.getByTestId('import-preview'));
    await waitFor(() =>
      expect(screen.getByTestId('import-totals')).toHaveTextContent('Sẽ thêm: 0 · Đã có (giữ nguyên): 2 · Dòng lỗi: 0'),
    );
    expect(screen.queryByTestId('import-unmapped')).toBeNull();
    expect(rust.callsTo('import_preview').at(-1)?.request.values).toEqual([]);
  });

  it('reads wards written by name, and a name of no current unit is mapped to one and remembered', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    renderWith(ImportPage, {}, rust);
    const list = [
      'STT;Họ và tên;Ngày sinh;Giới tính;Số CCCD;Phường/Xã;Đối tượng',
      `1;Hoàng Văn Em;05/03/1941;Nam;001041012345;phường ngọc hà;${GROUP}`,
      `2;Vũ Thị Gấm;1940;Nữ;001140009876;Trúc Bạch;${GROUP}`,
    ].join('\n') + '\n';
    await pick('import', picked('danh-sach-phuong.csv', list));
    await waitFor(() => expect((screen.getByTestId('map-5') as HTMLSelectElement).value).toBe('ward_code'));
    expect(screen.queryByTestId('import-ward-field')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('import-preview')).toBeEnabled());
    await user.click(screen.getByTestId('import-preview'));
    await waitFor(() => expect(screen.getByTestId('import-totals')).toHaveTextContent('Dòng lỗi: 1'));
    // The name of one current ward is read as its code, shown with its name.
    expect(screen.getByTestId('preview-row-2')).toHaveTextContent('Thêm mới');
    await waitFor(() => expect(screen.getByTestId('preview-row-2')).toHaveTextContent('Phường Ngọc Hà (00008)'));
    // Trúc Bạch ended on 30/06/2025: refused on its row, said in the officer's words.
    expect(screen.getByTestId('preview-row-3')).toHaveTextContent('Không có phường/xã hiện hành nào tên «Trúc Bạch»');
    expect(screen.getByTestId('unmapped-0')).toHaveTextContent('Trúc Bạch');
    expect(screen.getByTestId('unmapped-0')).toHaveTextContent('1 dòng (dòng 3)');
    expect(screen.getByTestId('import-apply')).toBeDisabled();
    // The current units are offered, by name.
    const options = Array.from(screen.getByTestId('unmapped-code-0').querySelectorAll('option')).map((o) => o.textContent);
    expect(options).toContain('Phường Ba Đình (00004)');
    expect(options).toHaveLength(127);
    await user.selectOptions(screen.getByTestId('unmapped-code-0'), '00004');
    await user.click(screen.getByTestId('import-values-apply'));
    await waitFor(() => expect(screen.getByTestId('import-totals')).toHaveTextContent('Sẽ thêm: 2'));
    await user.click(screen.getByTestId('import-apply'));
    await waitFor(() => expect(screen.getByTestId('import-result')).toHaveTextContent('thêm 2 người'));
    expect(rust.callsTo('import_apply')[0].request.values).toEqual([{ field: 'ward_code', value: 'Trúc Bạch', code: '00004' }]);
    const found = await rust.direct.search_beneficiaries({ query: { text: '', limit: 50, offset: 0 } });
    expect(found.items.map((b) => [b.full_name, b.ward_code]).sort()).toEqual([
      ['Hoàng Văn Em', '00008'],
      ['Vũ Thị Gấm', '00004'],
    ]);

    // The same headers again: remembered, nothing to choose.
    await user.click(screen.getByTestId('import-new'));
    await pick('import', picked('danh-sach-phuong-2.csv', list));
    await waitFor(() => screen.getByTestId('import-preview'));
    await user.click(screen.getByTestId('import-preview'));
    await waitFor(() => expect(screen.getByTestId('import-totals')).toHaveTextContent('Đã có (giữ nguyên): 2 · Dòng lỗi: 0'));
    expect(screen.queryByTestId('import-unmapped')).toBeNull();
  });

  it('an oversized file is refused, translated and named, before it is read or sent', async () => {
    const user = userEvent.setup();
    const rust = await startRust();
    renderWith(ImportPage, {}, rust);
    const file = new File([GOOD], 'lon-qua.csv', { type: 'text/csv' });
    // The size the browser reports; the content is never read.
    Object.defineProperty(file, 'size', { value: PICKED_FILE_MAX_BYTES + 1 });
    await user.upload(screen.getByTestId('import-file') as HTMLInputElement, file);
    await waitFor(() => expect(screen.getByText(/Tệp lon-qua\.csv quá lớn: tối đa 128 MB/)).toBeInTheDocument());
    expect(rust.callsTo('import_mapping')).toHaveLength(0);
  });

  it('by path, Rust refuses the same oversized file with the same limit the page checks', async () => {
    const rust = await startRust();
    renderWith(ImportPage, {}, rust);
    // A sparse file one byte past the cap: Rust checks its size before reading anything.
    const path = join(rust.dir, 'lon-qua.csv');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, PICKED_FILE_MAX_BYTES + 1);
    closeSync(fd);
    await fireEvent.input(screen.getByTestId('import-path'), { target: { value: path } });
    await fireEvent.click(screen.getByTestId('import-path-load'));
    await waitFor(() => expect(screen.getByTestId('import-errors')).toHaveTextContent(`Tệp ${path} quá lớn: tối đa 128 MB`));
    expect(rust.callsTo('read_local_file')).toEqual([{ path }]);
    expect(rust.callsTo('import_mapping')).toHaveLength(0);
  });

  it('a bad row blocks the import, names the row and saves a translated report', async () => {
    const rust = await startRust();
    renderWith(ImportPage, {}, rust);
    await openByPath(rust, 'import', picked('bad.csv', BAD));
    await waitFor(() => screen.getByTestId('import-preview'));
    expect(rust.callsTo('import_mapping')[0].file.name).toBe('bad.csv');
    await fireEvent.click(screen.getByTestId('import-preview'));
    await waitFor(() => expect(screen.getByTestId('import-error-row-3')).toHaveTextContent('Dòng 3'));
    expect(screen.getByTestId('import-error-row-3')).toHaveTextContent('Số định danh');
    expect(screen.getByTestId('import-error-row-3')).toHaveTextContent('Số định danh phải có 12 chữ số (đang có 5)');
    expect(screen.getByTestId('import-totals')).toHaveTextContent('Dòng lỗi: 1');
    expect(screen.getByTestId('import-apply')).toBeDisabled();
    await fireEvent.click(screen.getByTestId('import-save-report'));
    await waitFor(() => expect(screen.getByTestId('import-report-path')).toHaveTextContent(/loi-nhap-danh-sach.*\.xlsx/));
    const report = rust.callsTo('save_error_report')[0].report satisfies ErrorReport;
    expect(report.name).toBe('loi-nhap-danh-sach');
    expect(report.rows).toEqual([['3', 'Số định danh / CMND', 'Số định danh phải có 12 chữ số (đang có 5)', 'id_number.length']]);
    const saved = screen.getByTestId('import-report-path').textContent!.match(/\/\S+\.xlsx/)![0];
    expect(saved.startsWith(join(rust.dir, 'exports'))).toBe(true);
    expect(existsSync(saved)).toBe(true);
    expect(rust.callsTo('import_apply')).toHaveLength(0);
    expect(await people(rust)).toBe(0);
  });

  it('remembers a changed mapping for the same headers', async () => {
    const rust = await startRust();
    const odd = picked('odd.csv', GOOD.replace('Họ và tên', 'Tên người'));
    const first = renderWith(ImportPage, {}, rust);
    await pick('import', odd);
    await waitFor(() => screen.getByTestId('map-0'));
    expect((screen.getByTestId('map-0') as HTMLSelectElement).value).toBe('');
    await fireEvent.change(screen.getByTestId('map-0'), { target: { value: 'full_name' } });
    await fireEvent.click(screen.getByTestId('import-preview'));
    await waitFor(() => expect(screen.getByTestId('import-totals')).toHaveTextContent('Sẽ thêm: 2'));
    first.unmount();

    renderWith(ImportPage, {}, rust);
    await pick('import', odd);
    await waitFor(() => screen.getByTestId('import-mapping-remembered'));
    expect((screen.getByTestId('map-0') as HTMLSelectElement).value).toBe('full_name');
    expect(rust.callsTo('import_mapping')).toHaveLength(2);
  });

  it('possible duplicates need a decision; keeping them needs a reason', async () => {
    const rust = await startRust();
    const { beneficiaryId } = await paidPerson(rust); // Nguyễn Văn An, 15/03/1942, 00004
    renderWith(ImportPage, {}, rust);
    // Same folded name, birth date and ward as the registered person, another ID number.
    await pick('import', picked('dup.csv', `${HEADER}\nNGUYEN VAN AN,15/03/1942,Nam,001042005555,00004,${GROUP}\n`));
    await waitFor(() => screen.getByTestId('import-preview'));
    await fireEvent.click(screen.getByTestId('import-preview'));
    await waitFor(() => expect(screen.getByTestId('dup-2')).toHaveTextContent('Nguyễn Văn An'));
    expect(screen.getByTestId('dup-2')).toHaveTextContent('001042001234');
    expect(screen.getByTestId('import-totals')).toHaveTextContent('Có thể trùng: 1');
    expect(screen.getByTestId('import-apply')).toBeDisabled();
    await fireEvent.click(screen.getByTestId('dup-keep'));
    expect(screen.getByTestId('import-apply')).toBeDisabled();
    await fireEvent.input(screen.getByTestId('dup-reason'), { target: { value: 'Hai người khác nhau' } });
    expect(screen.getByTestId('import-apply')).toBeEnabled();
    await fireEvent.click(screen.getByTestId('import-apply'));
    await waitFor(() => expect(screen.getByTestId('import-result')).toHaveTextContent('giữ 1 dòng có thể trùng'));
    expect(rust.callsTo('import_apply')[0].request.duplicates).toEqual({ keep: true, reason: 'Hai người khác nhau' });
    const found = await rust.direct.search_beneficiaries({ query: { text: 'Nguyễn Văn An', limit: 50, offset: 0 } });
    const kept = found.items.find((b) => b.id !== beneficiaryId)!;
    expect(found.total).toBe(2);
    expect(kept).toMatchObject({ id_number: '001042005555', duplicate_reason: 'Hai người khác nhau' });
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
  const RESULT_HEADER = 'Mã giao dịch,Số tiền,Trạng thái,Ngày ghi có,Lý do';

  it('checks, applies, then closes the cycle', async () => {
    const rust = await startRust();
    const p = await paidPerson(rust);
    renderWith(ReconcilePage, {}, rust);
    // The only open cycle is chosen.
    await waitFor(() => expect(screen.getByTestId('reconcile-cycle')).toHaveValue(p.period));
    await pick('reconcile', picked('kq.csv', `${RESULT_HEADER}\n${p.paymentId},${p.amount},Hoàn trả,,Tài khoản bị khóa\n`));
    await waitFor(() => expect(screen.getByTestId('reconcile-check')).toBeEnabled());
    await fireEvent.click(screen.getByTestId('reconcile-check'));
    await waitFor(() => expect(screen.getByTestId('reconcile-preview')).toHaveTextContent('Hoàn trả: 1'));
    const payment = async () => (await rust.direct.get_beneficiary({ id: p.beneficiaryId })).payments[0];
    expect((await payment()).status).toBe('credited'); // a check changes nothing
    await fireEvent.click(screen.getByTestId('reconcile-apply'));
    await waitFor(() => expect(screen.getByTestId('reconcile-result')).toHaveTextContent('1 hoàn trả'));
    expect(rust.callsTo('reconcile_payments').map((c) => c.request.dry_run)).toEqual([true, false]);
    expect(rust.callsTo('reconcile_payments')[1].request satisfies ReconcileRequest).toMatchObject({ period: p.period });
    expect(await payment()).toMatchObject({ status: 'reversed', failure_reason: 'Tài khoản bị khóa' });

    await fireEvent.click(screen.getByTestId('reconcile-close'));
    await waitFor(() => expect(screen.getByTestId('reconcile-closed')).toBeInTheDocument());
    expect(rust.callsTo('close_cycle')).toEqual([{ period: p.period }]);
    expect((await rust.direct.list_cycles())[0].closed_at).not.toBeNull();
    expect(screen.getByTestId('reconcile-close')).toBeDisabled();
    // A closed cycle refuses any change: Rust's `cycle.closed`, translated.
    await fireEvent.click(screen.getByTestId('reconcile-check'));
    await waitFor(() => expect(screen.getByTestId('reconcile-errors')).toHaveTextContent('Kỳ chi trả này đã khóa sổ'));
  });

  it('a rejected file names its rows', async () => {
    const rust = await startRust();
    const p = await paidPerson(rust);
    renderWith(ReconcilePage, {}, rust);
    await waitFor(() => expect(screen.getByTestId('reconcile-cycle')).toHaveValue(p.period));
    const credited = `05/${p.period.slice(5)}/${p.period.slice(0, 4)}`;
    const file = `${RESULT_HEADER}\n${p.paymentId},1,Thành công,${credited},\nXYZ,1,Thành công,${credited},\n`;
    await pick('reconcile', picked('kq.csv', file));
    await waitFor(() => expect(screen.getByTestId('reconcile-check')).toBeEnabled());
    await fireEvent.click(screen.getByTestId('reconcile-check'));
    await waitFor(() => expect(screen.getByTestId('reconcile-error-row-2')).toHaveTextContent('Số tiền'));
    // Rust's `reconcile.amount_mismatch` and `reconcile.unknown_reference`, translated. The
    // amount scheduled is Hà Nội's social pension of the cycle: 500.000 ₫ + 150.000 ₫ since 01/2026.
    const scheduled = p.period >= '2026-01' ? '650.000 ₫' : '500.000 ₫';
    expect(screen.getByTestId('reconcile-error-row-2')).toHaveTextContent(`Dòng 2, Số tiền: Số tiền 1 ₫ khác số tiền đã lên lịch ${scheduled}`);
    expect(screen.getByTestId('reconcile-error-row-3')).toHaveTextContent('Dòng 3, Mã giao dịch: Không có khoản chi trả nào của kỳ này với mã XYZ');
    expect(screen.getByTestId('reconcile-apply')).toBeDisabled();
    expect(rust.callsTo('reconcile_payments').map((c) => c.request.dry_run)).toEqual([true]);
  });
});
