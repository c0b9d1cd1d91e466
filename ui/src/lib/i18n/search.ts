// Interface text of one feature area (see ../i18n.ts, which merges every area).
// Keep `vi` and `en` with the same keys; error messages are in ./errors.ts.
// Area: search and lists at city scale (long lists drawn a window of rows at a time).

export const vi = {
  'rows.shown': 'Đang hiện {shown} trên {total} dòng',
  'rows.more': 'Hiện thêm {n} dòng',
} as const;

export const en: Record<keyof typeof vi, string> = {
  'rows.shown': 'Showing {shown} of {total} rows',
  'rows.more': 'Show {n} more',
};
