// Interface text of one feature area (see ../i18n.ts, which merges every area).
// Keep `vi` and `en` with the same keys; list this area's error codes in `errorCodes`
// (each also needs an `error.<code>` text here and a line in docs/IPC.md).

export const errorCodes = [] as const;

export const vi = {} as const;

export const en: Record<keyof typeof vi, string> = {};
