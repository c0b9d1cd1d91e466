// Interface text: Vietnamese first (the default), English second. Both dictionaries have the
// same keys (enforced by the type of `en` and by a unit test). Error messages are apart, in
// ./i18n/errors.ts: one per code of the Rust enum `ErrorCode` (the generated ./generated/error-codes.ts),
// enforced by their type; a code the tables do not know falls back to the English `message` from Rust.

import type { FieldError, Lang } from './types';
import { formatMoney, formatPeriod } from './format';
import { ERROR_CODES, type ErrorCode } from './generated/error-codes';
import * as errors from './i18n/errors';
import * as entry from './i18n/entry';
import * as imports from './i18n/imports';
import * as payouts from './i18n/payouts';
import * as followup from './i18n/followup';
import * as signed from './i18n/signed';
import * as decisions from './i18n/decisions';
import * as indicators from './i18n/indicators';
import * as security from './i18n/security';
import * as exchange from './i18n/exchange';
import * as search from './i18n/search';

export { ERROR_CODES, type ErrorCode };

export const LANGS: readonly Lang[] = ['vi', 'en'];
export const DEFAULT_LANG: Lang = 'vi';

const coreVi = {
  'app.name': 'ansinh',
  'app.tagline': 'Theo dõi chi trả an sinh xã hội',
  'nav.label': 'Điều hướng chính',
  'nav.beneficiaries': 'Người hưởng',
  'nav.group.people': 'Người hưởng và theo dõi',
  'nav.group.payments': 'Chi trả, đối soát và rút tiền',
  'nav.group.reports': 'Báo cáo',
  'nav.group.exchange': 'Trao đổi',
  'nav.group.admin': 'Quản trị',
  'nav.dashboard': 'Tổng quan',
  'lang.label': 'Ngôn ngữ',
  'lang.vi': 'Tiếng Việt',
  'lang.en': 'English',

  'common.loading': 'Đang tải…',
  'common.save': 'Lưu',
  'common.saving': 'Đang lưu…',
  'common.cancel': 'Hủy',
  'common.close': 'Đóng',
  'common.back': 'Quay lại danh sách',
  'common.choose': '— Chọn —',
  'unit.sample': '· dữ liệu mẫu',
  'common.yes': 'Có',
  'common.no': 'Không',
  'common.none': 'Không có',
  'common.required': 'bắt buộc',
  'common.date_placeholder': 'dd/mm/yyyy',
  'common.error_title': 'Không thực hiện được',
  'common.days': 'ngày',
  'common.minutes': '{n} phút',
  'common.retry': 'Thử lại',
  'common.keyboard_hint': 'Enter để lưu, Esc để hủy',

  'demo.title': 'Chào mừng đến với ansinh',
  'demo.text':
    'Cơ sở dữ liệu đang trống. Bạn có muốn nạp dữ liệu mẫu (3 xã/phường, 300 người hưởng, 6 tháng chi trả) để làm quen với ứng dụng không? Đó là dữ liệu giả lập (tên, số định danh đều không có thật), nên dùng một cơ sở dữ liệu riêng để làm quen.',
  'demo.load': 'Nạp dữ liệu mẫu',
  'demo.skip': 'Bắt đầu với dữ liệu trống',
  'demo.loading': 'Đang nạp dữ liệu mẫu…',
  'demo.loaded':
    'Đã nạp dữ liệu mẫu: {beneficiaries} người hưởng, {payments} khoản chi trả, {withdrawals} lần rút tiền.',

  'list.title': 'Người hưởng',
  'list.search_label': 'Tìm kiếm',
  'list.search_placeholder': 'Tìm theo họ tên (có hoặc không dấu) hoặc số định danh',
  'list.ward_filter': 'Lọc theo xã/phường',
  'list.all_wards': 'Tất cả xã/phường',
  'list.add': 'Thêm người hưởng',
  'list.total': 'Tổng số:',
  'list.empty': 'Không có người hưởng nào khớp với tìm kiếm.',
  'list.prev': 'Trang trước',
  'list.next': 'Trang sau',
  'list.range': '{from}–{to} trên {total}',
  'list.open_hint': 'Bấm hoặc nhấn Enter để xem hồ sơ',

  'col.name': 'Họ và tên',
  'col.birth': 'Ngày sinh',
  'col.sex': 'Giới tính',
  'col.id_number': 'Số định danh',
  'col.ward': 'Xã/phường',
  'col.needs': 'Nhu cầu hỗ trợ',
  'col.channel': 'Kênh',
  'col.provider': 'Đơn vị cung cấp',
  'col.account_number': 'Số tài khoản',
  'col.status': 'Trạng thái',
  'col.requested_on': 'Ngày đề nghị',
  'col.opened_on': 'Ngày mở',
  'col.first_credit_on': 'Lần nhận tiền đầu',
  'col.period': 'Kỳ',
  'col.amount': 'Số tiền',
  'col.credited_on': 'Ngày tiền về',
  'col.withdrawn': 'Đã rút',
  'col.remaining': 'Còn lại',
  'col.withdrawn_on': 'Ngày rút',
  'col.place': 'Nơi nhận',
  'col.travel': 'Đi lại',
  'col.wait': 'Chờ',
  'col.assisted': 'Hỗ trợ',
  'col.problems': 'Khó khăn',
  'col.segment': 'Nhóm',
  'col.credited': 'Đã chuyển',
  'col.median': 'Trung vị (ngày)',
  'col.p75': 'P75 (ngày)',
  'col.p90': 'P90 (ngày)',
  'col.by_day': 'Rút trong {days} ngày',

  'badge.legacy': 'CMND cũ',
  'badge.legacy_title': 'Số CMND 9 chữ số cũ, hết hiệu lực từ 01/01/2025: vẫn cần số định danh 12 chữ số',
  'badge.no_id': 'Chưa có số',
  'badge.sample': 'Mẫu',

  'need.lives_alone': 'Sống một mình',
  'need.limited_mobility': 'Đi lại khó khăn',
  'need.vision_hearing': 'Khiếm thị hoặc khiếm thính',
  'need.no_smartphone': 'Không có điện thoại thông minh',
  'need.bedridden': 'Nằm liệt giường',
  'need.none': 'Không có nhu cầu đặc biệt',
  'age.under_16': 'Dưới 16 tuổi',
  'age.16_59': '16–59 tuổi',
  'age.60_74': '60–74 tuổi',
  'age.75_79': '75–79 tuổi',
  'age.80_plus': 'Từ 80 tuổi',
  'need_short.lives_alone': 'Một mình',
  'need_short.limited_mobility': 'Đi lại khó',
  'need_short.vision_hearing': 'Nhìn/nghe kém',
  'need_short.no_smartphone': 'Không ĐTTM',
  'need_short.bedridden': 'Liệt giường',

  'sex.male': 'Nam',
  'sex.female': 'Nữ',
  'disability.none': 'Không khuyết tật',
  'disability.severe': 'Khuyết tật nặng',
  'disability.particularly_severe': 'Khuyết tật đặc biệt nặng',
  'channel.bank': 'Tài khoản ngân hàng',
  'channel.ewallet': 'Ví điện tử',
  'channel.mobile_money': 'Mobile Money',
  'channel.vneid': 'Tài khoản an sinh (VNeID)',
  'channel.cash': 'Tiền mặt',
  'account_status.requested': 'Đã đề nghị',
  'account_status.opened': 'Đã mở',
  'account_status.closed': 'Đã đóng',
  'account_status.failed': 'Không mở được',
  'payment_status.scheduled': 'Đã lên lịch',
  'payment_status.credited': 'Đã chuyển',
  'payment_status.failed': 'Thất bại',
  'payment_status.reversed': 'Bị hoàn trả',
  'place.atm': 'Cây ATM',
  'place.bank_counter': 'Quầy giao dịch ngân hàng',
  'place.agent': 'Điểm đại lý',
  'place.post_office': 'Bưu điện',
  'place.home_delivery': 'Chi trả tại nhà',
  'place.proxy': 'Người được ủy quyền nhận thay',
  'place.ward_office': 'Trụ sở xã/phường',
  'problem.forgot_pin': 'Quên mã PIN hoặc mật khẩu',
  'problem.card_locked': 'Thẻ bị khóa',
  'problem.no_atm_nearby': 'Không có ATM gần nhà',
  'problem.no_smartphone': 'Không có điện thoại thông minh',
  'problem.machine_out_of_service': 'Máy hỏng hoặc hết tiền',
  'problem.long_queue': 'Xếp hàng lâu',
  'problem.needed_help': 'Cần người giúp',
  'problem.other': 'Khó khăn khác',
  'by.none': 'Không phân nhóm',
  'by.ward': 'Theo xã/phường',
  'by.age': 'Theo nhóm tuổi',
  'by.group': 'Theo nhóm đối tượng',
  'by.channel': 'Theo kênh chi trả',
  'by.need': 'Theo nhu cầu hỗ trợ',
  'entity.beneficiary': 'người hưởng',
  'entity.account': 'tài khoản',
  'entity.payment': 'khoản chi trả',
  'entity.withdrawal': 'lần rút tiền',
  'entity.unit': 'xã/phường',
  'entity.group': 'nhóm đối tượng',
  'entity.provider': 'đơn vị cung cấp',

  'form.add_title': 'Thêm người hưởng',
  'form.personal': 'Thông tin cá nhân',
  'form.residence': 'Nơi cư trú và chế độ',
  'field.full_name': 'Họ và tên',
  'field.birth_date': 'Ngày sinh',
  'field.birth_date_hint': 'dd/mm/yyyy, hoặc chỉ năm sinh (yyyy)',
  'field.sex': 'Giới tính',
  'field.id_number': 'Số định danh',
  'field.id_number_hint': '12 chữ số trên thẻ căn cước; số CMND 9 chữ số cũ được lưu riêng',
  'field.id_override_reason': 'Lý do giữ số định danh không khớp',
  'field.id_override_hint':
    'Số định danh không khớp với giới tính hoặc năm sinh. Nếu giấy tờ ghi đúng như vậy, hãy ghi lý do để vẫn lưu.',
  'field.ward_code': 'Xã/phường',
  'field.residential_group': 'Tổ dân phố/thôn',
  'field.phone': 'Số điện thoại',
  'field.group_code': 'Nhóm đối tượng',
  'field.disability': 'Mức độ khuyết tật',
  'field.needs': 'Nhu cầu hỗ trợ',
  'field.authorised': 'Người được ủy quyền (nếu có)',
  'field.authorised_name': 'Họ và tên người được ủy quyền',
  'field.authorised_id_number': 'Số định danh người được ủy quyền',
  'field.authorised_relation': 'Quan hệ với người hưởng',
  'field.channel': 'Kênh chi trả',
  'field.provider_code': 'Ngân hàng/đơn vị cung cấp',
  'field.account_number': 'Số tài khoản',
  'field.requested_on': 'Ngày đề nghị mở',
  'field.opened_on': 'Ngày mở',
  'field.opened_on_hint': 'Để trống nếu tài khoản chưa mở xong',
  'field.account_assisted': 'Có cán bộ hỗ trợ mở tài khoản',
  'field.vneid_linked': 'Tài khoản đã liên kết với VNeID',
  'detail.vneid_linked': 'Liên kết VNeID',
  'field.payment_kind': 'Khoản chi',
  'field.payment_kind_monthly': 'Trợ cấp hằng tháng',
  'field.payment_kind_one_off': 'Chi một lần (quà, truy lĩnh)',
  'field.label': 'Tên khoản chi',
  'field.label_placeholder': 'VD: Quà Tết 2026',
  'detail.one_off': 'Chi một lần',
  'field.account_id': 'Tài khoản nhận',
  'field.period': 'Kỳ chi trả',
  'field.period_placeholder': 'mm/yyyy',
  'field.amount': 'Số tiền (₫)',
  'field.amount_placeholder': 'để trống = mức hưởng',
  'field.status': 'Kết quả',
  'field.credited_on': 'Ngày tiền về (hoặc sẵn sàng nhận)',
  'field.failure_reason': 'Lý do thất bại',
  'field.withdrawn_on': 'Ngày rút tiền',
  'field.withdrawal_amount': 'Số tiền rút (₫)',
  'field.place': 'Nơi hoặc cách nhận tiền',
  'field.travel_minutes': 'Thời gian đi lại (phút)',
  'field.travel_cost': 'Chi phí đi lại (₫)',
  'field.waiting_minutes': 'Thời gian chờ (phút)',
  'field.unknown_placeholder': 'để trống nếu không nhớ',
  'field.withdrawal_assisted': 'Có người hỗ trợ (ủy quyền, chi tại nhà, cán bộ giúp)',
  'field.problems': 'Khó khăn gặp phải',

  'detail.title': 'Hồ sơ người hưởng',
  'detail.personal': 'Thông tin cá nhân',
  'detail.birth': 'Ngày sinh',
  'detail.entitlement': 'Mức hưởng hằng tháng',
  'detail.override_reason': 'Lý do giữ số định danh',
  'detail.authorised': 'Người được ủy quyền',
  'detail.no_needs': 'Không có',
  'detail.accounts': 'Tài khoản nhận tiền',
  'detail.no_accounts': 'Chưa có tài khoản: người hưởng đang nhận tiền mặt.',
  'detail.payments': 'Lịch sử chi trả',
  'detail.no_payments': 'Chưa có khoản chi trả nào.',
  'detail.no_withdrawals': 'Chưa rút lần nào.',
  'detail.open_account': 'Mở tài khoản',
  'detail.record_payment': 'Ghi nhận chi trả',
  'detail.record_withdrawal': 'Ghi nhận rút tiền',
  'detail.time_to_cash': 'Nhận tiền sau {days} ngày',
  'detail.waiting_since': 'Chưa rút, {days} ngày kể từ khi tiền về',
  'detail.withdrawals': 'Các lần rút tiền',
  'detail.saved': 'Đã lưu.',

  'account.form_title': 'Mở tài khoản',
  'payment.form_title': 'Ghi nhận chi trả',
  'withdrawal.form_title': 'Ghi nhận rút tiền, kỳ {period}',
  'withdrawal.remaining': 'Còn lại chưa rút: {amount}',

  'dash.title': 'Tổng quan',
  'dash.subtitle': 'Thời gian đến khi nhận tiền',
  'dash.as_of': 'Tính đến ngày',
  'dash.as_of_placeholder': 'để trống = hôm nay',
  'dash.as_of_shown': 'Số liệu tính đến ngày {date}',
  'dash.by': 'Phân nhóm',
  'dash.credited': 'Khoản đã chuyển',
  'dash.withdrawn': 'Đã rút',
  'dash.unwithdrawn': 'Chưa rút',
  'dash.median': 'Trung vị thời gian đến khi nhận tiền',
  'dash.p75': 'P75 thời gian đến khi nhận tiền',
  'dash.p90': 'P90 thời gian đến khi nhận tiền',
  'dash.credited_def':
    'Số khoản chi trả đã chuyển vào tài khoản (hoặc đã sẵn sàng nhận tiền mặt) tính đến ngày đã chọn.',
  'dash.withdrawn_def': 'Số khoản đã chuyển mà người hưởng đã rút tiền ít nhất một lần tính đến ngày đã chọn.',
  'dash.unwithdrawn_def': 'Số khoản đã chuyển mà người hưởng chưa rút lần nào tính đến ngày đã chọn.',
  'dash.median_def':
    'Số ngày từ khi tiền về đến lần rút đầu tiên mà một nửa số khoản đạt được (ước lượng Kaplan–Meier: khoản chưa rút được tính là chưa kết thúc, không bị bỏ qua). "—" khi chưa đủ một nửa được rút.',
  'dash.p75_def':
    'Số ngày từ khi tiền về đến lần rút đầu tiên mà 75% số khoản đạt được (Kaplan–Meier). "—" khi chưa đủ 75% được rút.',
  'dash.p90_def':
    'Số ngày từ khi tiền về đến lần rút đầu tiên mà 90% số khoản đạt được (Kaplan–Meier). "—" khi chưa đủ 90% được rút.',
  'dash.wbd_title': 'Tỉ lệ đã rút theo số ngày kể từ khi tiền về',
  'dash.wbd': 'Đã rút trong {days} ngày',
  'dash.wbd_def':
    'Tỉ lệ khoản đã chuyển được rút lần đầu trong vòng {days} ngày kể từ khi tiền về (Kaplan–Meier, khoản chưa rút không bị bỏ qua).',
  'dash.chart_title': 'Đường cong tỉ lệ đã rút theo ngày',
  'dash.chart_def':
    'Tỉ lệ tích lũy khoản đã chuyển được rút lần đầu, theo số ngày kể từ khi tiền về (0 đến 30 ngày).',
  'dash.segments': 'Chi tiết',
  'dash.segments_hint':
    'Nhóm chậm nhất lên đầu: nhóm chưa đủ một nửa số khoản được rút (trung vị "—") trước, rồi trung vị cao đến thấp; nhóm chưa có khoản nào xếp cuối.',
  'dash.segment_def': 'Nhóm theo tiêu chí phân nhóm đã chọn.',
  'dash.no_data': 'Chưa có khoản chi trả nào được chuyển tính đến ngày này.',
  'dash.days_unit': 'ngày',
} as const;

// Each feature area keeps its text in ./i18n/<area>.ts; this is the merged dictionary.
const vi = {
  ...coreVi,
  ...entry.vi,
  ...imports.vi,
  ...payouts.vi,
  ...followup.vi,
  ...signed.vi,
  ...decisions.vi,
  ...indicators.vi,
  ...security.vi,
  ...exchange.vi,
  ...search.vi,
} as const;

export type Key = keyof typeof vi;
export type Dictionary = Record<Key, string>;

const coreEn: Record<keyof typeof coreVi, string> = {
  'app.name': 'ansinh',
  'app.tagline': 'Social-security payment tracking',
  'nav.label': 'Main navigation',
  'nav.beneficiaries': 'Beneficiaries',
  'nav.group.people': 'People and follow-up',
  'nav.group.payments': 'Payments, reconciliation and withdrawals',
  'nav.group.reports': 'Reports',
  'nav.group.exchange': 'Exchange',
  'nav.group.admin': 'Administration',
  'nav.dashboard': 'Overview',
  'lang.label': 'Language',
  'lang.vi': 'Tiếng Việt',
  'lang.en': 'English',

  'common.loading': 'Loading…',
  'common.save': 'Save',
  'common.saving': 'Saving…',
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.back': 'Back to the list',
  'common.choose': '— Choose —',
  'unit.sample': '· sample data',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.none': 'None',
  'common.required': 'required',
  'common.date_placeholder': 'dd/mm/yyyy',
  'common.error_title': 'Could not complete',
  'common.days': 'days',
  'common.minutes': '{n} min',
  'common.retry': 'Retry',
  'common.keyboard_hint': 'Enter saves, Esc cancels',

  'demo.title': 'Welcome to ansinh',
  'demo.text':
    'The database is empty. Would you like to load sample data (3 wards, 300 beneficiaries, 6 months of payments) to get to know the app? It is invented (names and ID numbers are not real): use a separate database for trying the app out.',
  'demo.load': 'Load sample data',
  'demo.skip': 'Start with empty data',
  'demo.loading': 'Loading sample data…',
  'demo.loaded':
    'Sample data loaded: {beneficiaries} beneficiaries, {payments} payments, {withdrawals} withdrawals.',

  'list.title': 'Beneficiaries',
  'list.search_label': 'Search',
  'list.search_placeholder': 'Search by name (with or without accents) or ID number',
  'list.ward_filter': 'Filter by ward/commune',
  'list.all_wards': 'All wards and communes',
  'list.add': 'Add beneficiary',
  'list.total': 'Total:',
  'list.empty': 'No beneficiary matches the search.',
  'list.prev': 'Previous page',
  'list.next': 'Next page',
  'list.range': '{from}–{to} of {total}',
  'list.open_hint': 'Click or press Enter to open the record',

  'col.name': 'Full name',
  'col.birth': 'Date of birth',
  'col.sex': 'Sex',
  'col.id_number': 'ID number',
  'col.ward': 'Ward/commune',
  'col.needs': 'Needs',
  'col.channel': 'Channel',
  'col.provider': 'Provider',
  'col.account_number': 'Account number',
  'col.status': 'Status',
  'col.requested_on': 'Requested',
  'col.opened_on': 'Opened',
  'col.first_credit_on': 'First credit',
  'col.period': 'Period',
  'col.amount': 'Amount',
  'col.credited_on': 'Credited',
  'col.withdrawn': 'Withdrawn',
  'col.remaining': 'Remaining',
  'col.withdrawn_on': 'Withdrawn on',
  'col.place': 'Place',
  'col.travel': 'Travel',
  'col.wait': 'Wait',
  'col.assisted': 'Assisted',
  'col.problems': 'Problems',
  'col.segment': 'Segment',
  'col.credited': 'Credited',
  'col.median': 'Median (days)',
  'col.p75': 'P75 (days)',
  'col.p90': 'P90 (days)',
  'col.by_day': 'Withdrawn by day {days}',

  'badge.legacy': 'Old ID card',
  'badge.legacy_title':
    'Old 9-digit ID card number, invalid since 01/01/2025: the 12-digit number is still needed',
  'badge.no_id': 'No number',
  'badge.sample': 'Sample',

  'need.lives_alone': 'Lives alone',
  'need.limited_mobility': 'Limited mobility',
  'need.vision_hearing': 'Vision or hearing impairment',
  'need.no_smartphone': 'No smartphone',
  'need.bedridden': 'Bedridden',
  'need.none': 'No special need',
  'age.under_16': 'Under 16',
  'age.16_59': '16–59',
  'age.60_74': '60–74',
  'age.75_79': '75–79',
  'age.80_plus': '80 and over',
  'need_short.lives_alone': 'Alone',
  'need_short.limited_mobility': 'Mobility',
  'need_short.vision_hearing': 'Sight/hearing',
  'need_short.no_smartphone': 'No smartphone',
  'need_short.bedridden': 'Bedridden',

  'sex.male': 'Male',
  'sex.female': 'Female',
  'disability.none': 'No disability',
  'disability.severe': 'Severe disability',
  'disability.particularly_severe': 'Particularly severe disability',
  'channel.bank': 'Bank account',
  'channel.ewallet': 'E-wallet',
  'channel.mobile_money': 'Mobile Money',
  'channel.vneid': 'Social-security account (VNeID)',
  'channel.cash': 'Cash',
  'account_status.requested': 'Requested',
  'account_status.opened': 'Opened',
  'account_status.closed': 'Closed',
  'account_status.failed': 'Failed',
  'payment_status.scheduled': 'Scheduled',
  'payment_status.credited': 'Credited',
  'payment_status.failed': 'Failed',
  'payment_status.reversed': 'Reversed',
  'place.atm': 'ATM',
  'place.bank_counter': 'Bank counter',
  'place.agent': 'Agent',
  'place.post_office': 'Post office',
  'place.home_delivery': 'Home delivery',
  'place.proxy': 'By an authorised person',
  'place.ward_office': 'Ward office',
  'problem.forgot_pin': 'Forgot PIN or password',
  'problem.card_locked': 'Card locked',
  'problem.no_atm_nearby': 'No ATM nearby',
  'problem.no_smartphone': 'No smartphone',
  'problem.machine_out_of_service': 'Machine out of service or out of cash',
  'problem.long_queue': 'Long queue',
  'problem.needed_help': 'Needed help',
  'problem.other': 'Other problem',
  'by.none': 'No breakdown',
  'by.ward': 'By ward/commune',
  'by.age': 'By age band',
  'by.group': 'By beneficiary group',
  'by.channel': 'By payment channel',
  'by.need': 'By need',
  'entity.beneficiary': 'beneficiary',
  'entity.account': 'account',
  'entity.payment': 'payment',
  'entity.withdrawal': 'withdrawal',
  'entity.unit': 'ward/commune',
  'entity.group': 'beneficiary group',
  'entity.provider': 'provider',

  'form.add_title': 'Add beneficiary',
  'form.personal': 'Personal details',
  'form.residence': 'Residence and entitlement',
  'field.full_name': 'Full name',
  'field.birth_date': 'Date of birth',
  'field.birth_date_hint': 'dd/mm/yyyy, or the year alone (yyyy)',
  'field.sex': 'Sex',
  'field.id_number': 'Personal ID number',
  'field.id_number_hint': '12 digits on the citizen ID card; an old 9-digit number is kept separately',
  'field.id_override_reason': 'Reason for keeping the mismatching ID number',
  'field.id_override_hint':
    'The ID number does not match the sex or birth year. If the documents really say so, give a reason to save anyway.',
  'field.ward_code': 'Ward/commune',
  'field.residential_group': 'Residential group / hamlet',
  'field.phone': 'Phone number',
  'field.group_code': 'Beneficiary group',
  'field.disability': 'Disability',
  'field.needs': 'Needs',
  'field.authorised': 'Authorised person (if any)',
  'field.authorised_name': "Authorised person's full name",
  'field.authorised_id_number': "Authorised person's ID number",
  'field.authorised_relation': 'Relation to the beneficiary',
  'field.channel': 'Payment channel',
  'field.provider_code': 'Bank or provider',
  'field.account_number': 'Account number',
  'field.requested_on': 'Requested on',
  'field.opened_on': 'Opened on',
  'field.opened_on_hint': 'Leave empty while the account is not open yet',
  'field.account_assisted': 'An officer helped open the account',
  'field.vneid_linked': 'The account is linked to VNeID',
  'detail.vneid_linked': 'Linked to VNeID',
  'field.payment_kind': 'Payment',
  'field.payment_kind_monthly': 'Monthly allowance',
  'field.payment_kind_one_off': 'One-off (gift, arrears)',
  'field.label': 'Label',
  'field.label_placeholder': 'e.g. Tết gift 2026',
  'detail.one_off': 'One-off',
  'field.account_id': 'Receiving account',
  'field.period': 'Period',
  'field.period_placeholder': 'mm/yyyy',
  'field.amount': 'Amount (₫)',
  'field.amount_placeholder': 'empty = entitlement',
  'field.status': 'Result',
  'field.credited_on': 'Credited (or ready for pick-up) on',
  'field.failure_reason': 'Failure reason',
  'field.withdrawn_on': 'Withdrawn on',
  'field.withdrawal_amount': 'Amount withdrawn (₫)',
  'field.place': 'Where or how',
  'field.travel_minutes': 'Travel time (minutes)',
  'field.travel_cost': 'Travel cost (₫)',
  'field.waiting_minutes': 'Waiting time (minutes)',
  'field.unknown_placeholder': 'empty if not remembered',
  'field.withdrawal_assisted': "Assisted (proxy, home delivery or an officer's help)",
  'field.problems': 'Problems met',

  'detail.title': 'Beneficiary record',
  'detail.personal': 'Personal details',
  'detail.birth': 'Date of birth',
  'detail.entitlement': 'Monthly entitlement',
  'detail.override_reason': 'Reason for keeping the ID number',
  'detail.authorised': 'Authorised person',
  'detail.no_needs': 'None',
  'detail.accounts': 'Payment accounts',
  'detail.no_accounts': 'No account yet: the person is paid in cash.',
  'detail.payments': 'Payments',
  'detail.no_payments': 'No payment yet.',
  'detail.no_withdrawals': 'Not withdrawn yet.',
  'detail.open_account': 'Open account',
  'detail.record_payment': 'Record payment',
  'detail.record_withdrawal': 'Record withdrawal',
  'detail.time_to_cash': 'Cash in hand after {days} days',
  'detail.waiting_since': 'Not withdrawn, {days} days since credit',
  'detail.withdrawals': 'Withdrawals',
  'detail.saved': 'Saved.',

  'account.form_title': 'Open account',
  'payment.form_title': 'Record payment',
  'withdrawal.form_title': 'Record withdrawal, period {period}',
  'withdrawal.remaining': 'Not yet withdrawn: {amount}',

  'dash.title': 'Overview',
  'dash.subtitle': 'Time to cash',
  'dash.as_of': 'As of',
  'dash.as_of_placeholder': 'empty = today',
  'dash.as_of_shown': 'Figures as of {date}',
  'dash.by': 'Breakdown',
  'dash.credited': 'Payments credited',
  'dash.withdrawn': 'Withdrawn',
  'dash.unwithdrawn': 'Not withdrawn',
  'dash.median': 'Median time to cash',
  'dash.p75': 'P75 time to cash',
  'dash.p90': 'P90 time to cash',
  'dash.credited_def':
    'Payments credited to an account (or ready for cash pick-up) up to the chosen date.',
  'dash.withdrawn_def': 'Credited payments withdrawn at least once up to the chosen date.',
  'dash.unwithdrawn_def': 'Credited payments not withdrawn at all up to the chosen date.',
  'dash.median_def':
    'Days from credit to first withdrawal reached by half of the payments (Kaplan–Meier: payments not yet withdrawn count as ongoing, not dropped). "—" while fewer than half are withdrawn.',
  'dash.p75_def':
    'Days from credit to first withdrawal reached by 75% of the payments (Kaplan–Meier). "—" while fewer than 75% are withdrawn.',
  'dash.p90_def':
    'Days from credit to first withdrawal reached by 90% of the payments (Kaplan–Meier). "—" while fewer than 90% are withdrawn.',
  'dash.wbd_title': 'Share withdrawn by days since credit',
  'dash.wbd': 'Withdrawn within {days} days',
  'dash.wbd_def':
    'Share of credited payments first withdrawn within {days} days of the credit (Kaplan–Meier; payments not yet withdrawn are not dropped).',
  'dash.chart_title': 'Share withdrawn by day',
  'dash.chart_def':
    'Cumulative share of credited payments first withdrawn, by days since the credit (0 to 30 days).',
  'dash.segments': 'Breakdown',
  'dash.segments_hint':
    'Slowest first: segments where fewer than half are withdrawn yet (median "—") first, then highest to lowest median; segments with no credited payment last.',
  'dash.segment_def': 'Segment of the chosen breakdown.',
  'dash.no_data': 'No payment credited up to this date.',
  'dash.days_unit': 'days',
};

const en: Dictionary = {
  ...coreEn,
  ...entry.en,
  ...imports.en,
  ...payouts.en,
  ...followup.en,
  ...signed.en,
  ...decisions.en,
  ...indicators.en,
  ...security.en,
  ...exchange.en,
  ...search.en,
};

export const dictionaries: Record<Lang, Dictionary> = { vi, en };

/** The message of every error code, per language (see ./i18n/errors.ts). */
export const errorMessages: Record<Lang, Record<ErrorCode, string>> = { vi: errors.vi, en: errors.en };

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(code: string): code is ErrorCode {
  return KNOWN_CODES.has(code);
}

/** Replaces `{name}` placeholders; unknown placeholders are left as they are. */
export function interpolate(text: string, params?: Record<string, string | number>): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function isKey(key: string): key is Key {
  return Object.prototype.hasOwnProperty.call(vi, key);
}

export function translate(lang: Lang, key: Key, params?: Record<string, string | number>): string {
  const dict = dictionaries[lang] ?? dictionaries[DEFAULT_LANG];
  return interpolate(dict[key] ?? vi[key] ?? key, params);
}

/** Label of an enumeration value (`sex.male`, `place.atm`, …); the raw value when unknown. */
export function translateEnum(lang: Lang, prefix: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const key = `${prefix}.${value}`;
  return isKey(key) ? translate(lang, key) : value;
}

/** Makes an error's params readable: sexes, money, periods and entity names localised. */
function localiseParams(lang: Lang, params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if ((k === 'sex' || k === 'id_sex') && isKey(`sex.${v}`)) {
      out[k] = translate(lang, `sex.${v}` as Key).toLowerCase();
    } else if (k === 'remaining' && /^-?\d+$/.test(v)) {
      out[k] = formatMoney(Number(v));
    } else if (k === 'period' && /^\d{4}-\d{2}$/.test(v)) {
      out[k] = formatPeriod(v);
    } else if (k === 'entity' && isKey(`entity.${v}`)) {
      out[k] = translate(lang, `entity.${v}` as Key);
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** The officer-facing text of an error: the translated code, or Rust's English message. The
 *  error's `field` fills a `{field}` placeholder unless a parameter of that name does. Any code
 *  is accepted: one the tables do not know (a UI-side code, a newer backend's) shows `message`. */
export function translateError(
  lang: Lang,
  err: Pick<FieldError, 'message' | 'params' | 'field'> & { code: string },
): string {
  if (!isErrorCode(err.code)) return err.message || err.code;
  const table = errorMessages[lang] ?? errorMessages[DEFAULT_LANG];
  const params = err.field === undefined ? (err.params ?? {}) : { field: err.field, ...err.params };
  const text = interpolate(table[err.code], localiseParams(lang, params));
  // Capitalise the first letter (e.g. "{entity} … not found" in English).
  return text.charAt(0).toUpperCase() + text.slice(1);
}
