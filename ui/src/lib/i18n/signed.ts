// Interface text of one feature area (see ../i18n.ts, which merges every area).
// Keep `vi` and `en` with the same keys; error messages are in ./errors.ts.
// Area: the signed payment list typed as a grid (issue 15).

export const vi = {
  'nav.signed': 'Danh sách ký nhận',
  'signed.title': 'Nhập danh sách ký nhận',
  'signed.hint':
    'Nhập từ danh sách ký nhận của đợt chi trả tiền mặt hoặc tại nhà: mỗi dòng một người, ngày nhận tiền, số tiền (để trống là toàn bộ số còn lại) và nơi nhận. Có thể dán cả khối từ Excel; phím mũi tên, Enter và Tab di chuyển như trong bảng tính. Bản nháp được lưu tự động; bấm Lưu để ghi tất cả trong một lần.',
  'signed.cycle': 'Kỳ chi trả',
  'signed.ward': 'Xã/phường',
  'signed.own_ward': '— xã/phường của tôi —',
  'signed.group': 'Tổ dân phố / thôn',
  'signed.group_all': 'tất cả',
  'signed.default_place': 'Nơi nhận mặc định',
  'signed.load': 'Mở danh sách',
  'signed.print': 'Xuất danh sách chi trả để in',
  'signed.printed': 'Đã xuất danh sách chi trả ({n} người) để in và ký nhận: {path}',
  'signed.count': 'Đã nhập {filled} / {total} người',
  'signed.save': 'Lưu {n} dòng',
  'signed.empty': 'Không còn khoản chi nào chưa nhận hết trong kỳ này.',
  'signed.saved': 'Đã ghi {n} lần nhận tiền ({amount}); {had} dòng đã có từ trước.',
  'signed.row_errors': 'Chưa lưu gì: {n} dòng có lỗi, xem bên dưới từng dòng.',
  'signed.draft_label': 'Danh sách ký nhận kỳ {period}: {n} dòng',
  'signed.col_group': 'Tổ',
  'signed.col_left': 'Còn lại',
  'signed.col_day': 'Ngày nhận',
  'signed.col_amount': 'Số tiền',
  'signed.col_place': 'Nơi nhận',
} as const;

export const en: Record<keyof typeof vi, string> = {
  'nav.signed': 'Signed lists',
  'signed.title': 'Type a signed payment list',
  'signed.hint':
    'From the signed list of a cash or home-delivery round: one row per person, the day received, the amount (empty: all that is left) and the place. A block pasted from Excel fills the cells; arrows, Enter and Tab move as in a spreadsheet. The draft is kept automatically; Save writes everything at once.',
  'signed.cycle': 'Cycle',
  'signed.ward': 'Ward',
  'signed.own_ward': '— my ward —',
  'signed.group': 'Residential group',
  'signed.group_all': 'all',
  'signed.default_place': 'Default place',
  'signed.load': 'Open the list',
  'signed.print': 'Export the payment list to print',
  'signed.printed': 'Payment list exported ({n} people) to print and sign: {path}',
  'signed.count': '{filled} of {total} people typed',
  'signed.save': 'Save {n} rows',
  'signed.empty': 'No payment of this cycle has money left to collect.',
  'signed.saved': '{n} withdrawals recorded ({amount}); {had} rows were already recorded.',
  'signed.row_errors': 'Nothing saved: {n} rows have errors, shown under each row.',
  'signed.draft_label': 'Signed list {period}: {n} rows',
  'signed.col_group': 'Group',
  'signed.col_left': 'Left',
  'signed.col_day': 'Day received',
  'signed.col_amount': 'Amount',
  'signed.col_place': 'Place',
};
