// Small data sets for the UI tests, made through the real commands (`rust.direct`: not recorded,
// so `rust.callsTo(...)` shows only what the UI sent). Every rule stays Rust's: a builder that
// breaks one fails with Rust's own error, nothing here checks anything.
//
//   const rust = await startRust();
//   const { an } = await standardPeople(rust);            // five people, An with money
//   const p = await addPerson(rust, { full_name: 'Lý Văn Tâm' });
//   const pay = await recordPayment(rust, p.id, { period: typedPeriod(monthsAgo(1)) });
//
// Dates: "today" is the real date (no fake clock); build dates with `daysAgo`, `monthsAgo`,
// `typedDate` and `typedPeriod`, or fixed dates safely in the past.

import { readFileSync } from 'node:fs';
import type {
  Account,
  AccountInput,
  Beneficiary,
  BeneficiaryInput,
  BundleImport,
  Grievance,
  GrievanceInput,
  Needs,
  Payment,
  PaymentInput,
  Withdrawal,
  WithdrawalInput,
} from '../src/lib/types';
import { startRust, type Rust } from './rust';

// ---------- the session ----------

/** Declines the demo data, as the first-run dialog's "start empty" does: an empty database
 * then opens on the list instead of the demo dialog. */
export async function skipDemoOffer(rust: Rust): Promise<void> {
  await rust.direct.dismiss_demo_offer();
}

export const OFFICER_PASSWORD = 'mật khẩu cán bộ 2026';

/** Creates a user (an officer of Ba Đình unless told otherwise) and signs the server's session
 * in as them (the administrator is signed out). */
export async function signInAs(
  rust: Rust,
  user: { username?: string; display_name?: string; role?: 'officer' | 'supervisor' | 'admin'; ward_code?: string | null } = {},
): Promise<void> {
  const input = {
    username: 'canbo',
    display_name: 'Cán bộ phường',
    role: 'officer',
    ward_code: WARDS.baDinh.code as string | null,
    ...user,
    password: OFFICER_PASSWORD,
  };
  await rust.direct.create_user({ input });
  await rust.direct.logout();
  await rust.direct.login({ input: { username: input.username, password: OFFICER_PASSWORD } });
}

/** The sample wards of every fresh database (migrations), in their order. */
export const WARDS = {
  baDinh: { code: '00004', name: 'Phường Ba Đình' },
  ngocHa: { code: '00008', name: 'Phường Ngọc Hà' },
  giangVo: { code: '00025', name: 'Phường Giảng Võ' },
  hoanKiem: { code: '00070', name: 'Phường Hoàn Kiếm' },
  cuaNam: { code: '00082', name: 'Phường Cửa Nam' },
} as const;

/** A few allowance groups of the migrations (`rust.direct.list_groups()` has them all). */
export const GROUPS = {
  /** Người từ 80 tuổi không có lương hưu, trợ cấp (coefficient 1.0). */
  elderly80: 'cao_tuoi_80_khong_luong',
  /** Social pension, 75+ without a pension (since 1 July 2025; the 80+ group above moved here). */
  pension75: 'huu_tri_xa_hoi_75',
  /** Người cao tuổi hộ nghèo không có người phụng dưỡng, 60-80 tuổi (1.5). */
  elderlyPoor: 'cao_tuoi_ngheo_60_80',
  /** Người khuyết tật nặng (1.5). */
  disabledSevere: 'khuyet_tat_nang',
  /** Trẻ em dưới 16 tuổi không có nguồn nuôi dưỡng (1.5). */
  child: 'tre_em_khong_nguon_nuoi',
} as const;

/** Matches the label the UI gives a ward in its selects: `Phường Ba Đình (00004)`, then the
 * sample mark of the sample wards. */
export const wardOption = (w: { code: string; name: string }) => new RegExp(`^${w.name} \\(${w.code}\\)`);

export const NO_NEEDS: Needs = {
  lives_alone: false,
  limited_mobility: false,
  vision_hearing: false,
  no_smartphone: false,
  bedridden: false,
};

// ---------- dates ----------

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `n` days before today (local time). */
export function daysAgo(n: number, from = new Date()): Date {
  const d = new Date(from.getFullYear(), from.getMonth(), from.getDate());
  d.setDate(d.getDate() - n);
  return d;
}

/** The 5th of the month `n` months before this one. */
export function monthsAgo(n: number, from = new Date()): Date {
  return new Date(from.getFullYear(), from.getMonth() - n, 5);
}

/** A date as an officer types it: `dd/mm/yyyy`. */
export const typedDate = (d: Date) => `${pad2(d.getDate())}/${pad2(d.getMonth() + 1)}/${d.getFullYear()}`;

/** A payment period as typed: `mm/yyyy`. */
export const typedPeriod = (d: Date) => `${pad2(d.getMonth() + 1)}/${d.getFullYear()}`;

/** A date as Rust returns it: `yyyy-mm-dd`. */
export const isoDate = (d: Date) => `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;

// ---------- people ----------

const SURNAMES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ'];
const MIDDLE = ['Minh', 'Đức', 'Văn', 'Thị'];
const GIVEN = [
  'An', 'Bình', 'Chi', 'Dũng', 'Giang', 'Hà', 'Hải', 'Hạnh', 'Hoa', 'Hùng', 'Khánh', 'Lan', 'Long',
  'Mai', 'Nam', 'Oanh', 'Phúc', 'Quang', 'Sơn', 'Tâm', 'Thảo', 'Trung', 'Tuấn', 'Yến', 'Xuân',
];

/** The `i`-th of 1,000 distinct plausible names (names may not hold digits). */
export function personName(i: number): string {
  const g = GIVEN[i % GIVEN.length];
  const m = MIDDLE[Math.floor(i / GIVEN.length) % MIDDLE.length];
  const s = SURNAMES[Math.floor(i / (GIVEN.length * MIDDLE.length)) % SURNAMES.length];
  return `${s} ${m} ${g}`;
}

let serial = 0;

/** A valid 12-digit ID number (province 001, Hà Nội) for this sex and birth year; `n` picks
 * the last six digits (a new one each call by default). */
export function idNumber(sex: 'male' | 'female', birthYear: number, n = ++serial + 100_000): string {
  const centurySex = (birthYear >= 2000 ? 2 : 0) + (sex === 'female' ? 1 : 0);
  return `001${centurySex}${pad2(birthYear % 100)}${String(n % 1_000_000).padStart(6, '0')}`;
}

/** A complete add-form input: a man born 10/10/1940 in Ba Đình, 80+ group, unless `fields` say otherwise.
 * Without an `id_number`, one matching the sex and birth year is made up. */
export function personInput(fields: Partial<BeneficiaryInput> = {}): BeneficiaryInput {
  const base: BeneficiaryInput = {
    full_name: 'Nguyễn Văn Thử',
    birth_date: '10/10/1940',
    sex: 'male',
    id_number: '',
    id_override_reason: '',
    ward_code: WARDS.baDinh.code,
    residential_group: '',
    phone: '',
    group_code: GROUPS.elderly80,
    disability: 'none',
    needs: { ...NO_NEEDS },
    authorised_name: '',
    authorised_id_number: '',
    authorised_relation: '',
    duplicate_reason: '',
    ...fields,
  };
  if (!fields.id_number && fields.id_number !== '') {
    const year = Number(/(\d{4})\s*$/.exec(base.birth_date)?.[1] ?? 1940);
    base.id_number = idNumber(base.sex === 'female' ? 'female' : 'male', year);
  }
  return base;
}

/** Registers a person (see `personInput` for the defaults). */
export function addPerson(rust: Rust, fields: Partial<BeneficiaryInput> = {}): Promise<Beneficiary> {
  return rust.direct.add_beneficiary({ input: personInput(fields) });
}

// ---------- money ----------

/** Opens a bank account (Agribank) requested and opened two months ago. */
export function openAccount(rust: Rust, beneficiaryId: string, fields: Partial<AccountInput> = {}): Promise<Account> {
  const when = typedDate(daysAgo(60));
  return rust.direct.open_account({
    input: {
      beneficiary_id: beneficiaryId,
      channel: 'bank',
      provider_code: '970405',
      account_number: '0123456789',
      requested_on: when,
      opened_on: when,
      assisted: false,
      vneid_linked: false,
      ...fields,
    },
  });
}

/** Records a payment: credited in cash (no account) for last month, credited 30 days ago, the
 * amount the person's entitlement unless `fields.amount` is given. */
export function recordPayment(rust: Rust, beneficiaryId: string, fields: Partial<PaymentInput> = {}): Promise<Payment> {
  return rust.direct.record_payment({
    input: {
      beneficiary_id: beneficiaryId,
      account_id: null,
      period: typedPeriod(monthsAgo(1)),
      amount: '',
      status: 'credited',
      credited_on: typedDate(daysAgo(30)),
      failure_reason: '',
      one_off: false,
      label: '',
      ...fields,
    },
  });
}

/** Records a withdrawal at an ATM today; `fields.amount` is required (typed, e.g. '500000'). */
export function recordWithdrawal(
  rust: Rust,
  paymentId: string,
  fields: Partial<WithdrawalInput> & { amount: string },
): Promise<Withdrawal> {
  return rust.direct.record_withdrawal({
    input: {
      payment_id: paymentId,
      withdrawn_on: typedDate(new Date()),
      place: 'atm',
      travel_minutes: '',
      travel_cost: '',
      waiting_minutes: '',
      assisted: false,
      problems: [],
      ...fields,
    },
  });
}

// ---------- field workflows ----------

/** Opens a grievance (not received, by hotline) today. */
export function openGrievance(rust: Rust, beneficiaryId: string, fields: Partial<GrievanceInput> = {}): Promise<Grievance> {
  return rust.direct.open_grievance({
    input: {
      beneficiary_id: beneficiaryId,
      category: 'not_received',
      channel: 'hotline',
      description: 'Chưa nhận được tiền',
      opened_on: typedDate(new Date()),
      deadline_on: '',
      ...fields,
    },
  });
}

// ---------- sets ----------

/** Runs `make(i)` for i = 0..n-1, a few at a time, and returns the results in order. */
export async function many<T>(n: number, make: (i: number) => Promise<T>, parallel = 8): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await make(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, worker));
  return out;
}

export interface StandardPeople {
  /** Nguyễn Văn An, 15/03/1942, Ba Đình, 80+, lives alone; an Agribank account (requested
   * 01/12/2025, opened 10/12/2025, assisted) and three payments of 1.000.000 ₫ credited on the
   * 5th of 01, 02 and 03/2026: January withdrawn in full on 08/01 (ATM), February 600.000 ₫ on
   * 15/02 (bank counter, assisted, forgot PIN), March untouched. */
  an: Beneficiary;
  /** Trần Thị Bình, born 1950 (year only), Ba Đình, poor elderly, no smartphone; one cash payment
   * of 750.000 ₫ for 01/2026 credited and withdrawn on 06/01/2026. */
  binh: Beneficiary;
  /** Lê Đức Cường, 01/07/1975, Ngọc Hà, severe disability, an old 9-digit CMND. */
  cuong: Beneficiary;
  /** Phạm Thị Dung, 24/12/1938, Giảng Võ, 80+, bedridden and lives alone. */
  dung: Beneficiary;
  /** Đỗ Văn Đạt, 05/05/2015, Ngọc Hà, child without caregivers. */
  dat: Beneficiary;
  account: Account;
  /** An's payments, oldest first. */
  payments: Payment[];
}

/** The five people the old in-memory fixtures had (same names, birth dates, ID numbers; wards
 * 00001/00004/00006 became 00004/00008/00025), with An's account and money. The demo offer is
 * not made on a database with people. */
export async function standardPeople(rust: Rust): Promise<StandardPeople> {
  const needs = (n: Partial<Needs>): Needs => ({ ...NO_NEEDS, ...n });
  const [an, binh, cuong, dung, dat] = await Promise.all([
    addPerson(rust, {
      full_name: 'Nguyễn Văn An',
      birth_date: '15/03/1942',
      id_number: '001042001234',
      needs: needs({ lives_alone: true }),
    }),
    addPerson(rust, {
      full_name: 'Trần Thị Bình',
      birth_date: '1950',
      sex: 'female',
      id_number: '001150004321',
      group_code: GROUPS.elderlyPoor,
      needs: needs({ no_smartphone: true }),
    }),
    addPerson(rust, {
      full_name: 'Lê Đức Cường',
      birth_date: '01/07/1975',
      id_number: '012345678',
      ward_code: WARDS.ngocHa.code,
      group_code: GROUPS.disabledSevere,
      disability: 'severe',
      needs: needs({ limited_mobility: true }),
    }),
    addPerson(rust, {
      full_name: 'Phạm Thị Dung',
      birth_date: '24/12/1938',
      sex: 'female',
      id_number: '001138000777',
      ward_code: WARDS.giangVo.code,
      needs: needs({ bedridden: true, lives_alone: true }),
    }),
    addPerson(rust, {
      full_name: 'Đỗ Văn Đạt',
      birth_date: '05/05/2015',
      id_number: '001215009999',
      ward_code: WARDS.ngocHa.code,
      group_code: GROUPS.child,
    }),
  ]);
  const account = await openAccount(rust, an.id, { requested_on: '01/12/2025', opened_on: '10/12/2025', assisted: true });
  const pay = (period: string, credited_on: string) =>
    recordPayment(rust, an.id, { account_id: account.id, period, amount: '1000000', credited_on });
  const jan = await pay('01/2026', '05/01/2026');
  const feb = await pay('02/2026', '05/02/2026');
  const mar = await pay('03/2026', '05/03/2026');
  await recordWithdrawal(rust, jan.id, {
    withdrawn_on: '08/01/2026',
    amount: '1000000',
    place: 'atm',
    travel_minutes: '20',
    travel_cost: '10000',
    waiting_minutes: '5',
  });
  await recordWithdrawal(rust, feb.id, {
    withdrawn_on: '15/02/2026',
    amount: '600000',
    place: 'bank_counter',
    travel_minutes: '30',
    waiting_minutes: '15',
    assisted: true,
    problems: ['forgot_pin'],
  });
  const cash = await recordPayment(rust, binh.id, { period: '01/2026', amount: '750000', credited_on: '06/01/2026' });
  await recordWithdrawal(rust, cash.id, {
    withdrawn_on: '06/01/2026',
    amount: '750000',
    place: 'ward_office',
    travel_minutes: '10',
    travel_cost: '0',
    waiting_minutes: '30',
  });
  return { an, binh, cuong, dung, dat, account, payments: [jan, feb, mar] };
}

// ---------- exchange ----------

/** Reads a file a command wrote (an export, a bundle, a key) as the pages pick it. */
export function pickedFile(path: string): { name: string; bytes: number[] } {
  return { name: path.split('/').at(-1)!, bytes: [...readFileSync(path)] };
}

/** Puts `n` open duplicate-person items in `city`'s review queue the way they arise: a ward's
 * desktop (a second server) registers `n` people of Ba Đình whose ID numbers the city
 * registered too, and the city imports the ward's bundle. Each desktop registers the other
 * first. Returns the import's report and the ward's server (stopped after the test). */
export async function duplicatesFromAWard(city: Rust, n: number): Promise<{ imported: BundleImport; ward: Rust }> {
  const ward = await startRust();
  const keyOf = async (r: Rust) => readFileSync(await r.direct.exchange_save_public(), 'utf8');
  await ward.direct.exchange_register_device({ key: await keyOf(city), name: 'Thành phố', role: 'city', ward: '' });
  const wardKey = await keyOf(ward);
  await city.direct.exchange_register_device({ key: wardKey, name: 'Phường Ba Đình', role: 'ward', ward: WARDS.baDinh.code });
  const numbers = Array.from({ length: n }, () => idNumber('male', 1940));
  await many(n, (i) => addPerson(city, { full_name: personName(i), id_number: numbers[i] }));
  await many(n, (i) => addPerson(ward, { full_name: personName(i + 500), id_number: numbers[i] }));
  const bundle = await ward.direct.exchange_export({ office: 'Thành phố', since: null });
  const imported = await city.direct.exchange_import({ file: pickedFile(bundle.path), dry_run: false });
  return { imported, ward };
}
