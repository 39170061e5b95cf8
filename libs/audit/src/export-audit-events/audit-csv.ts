/** The export's columns, in order; the header row is exactly these names. */
export const AUDIT_CSV_COLUMNS = [
  'seq',
  'occurredAt',
  'action',
  'actorId',
  'actorUsername',
  'targetId',
  'targetUsername',
  'ip',
  'userAgent',
  'requestId',
  'correlationId',
  'details',
] as const;

/** Lets spreadsheet programs read the file as UTF-8 (Arabic names stay readable). */
export const UTF8_BOM = '\uFEFF';
const LINE_END = '\r\n';

/** What a spreadsheet would run as a formula (or DDE): such a cell is prefixed with `'` and shown as text. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** RFC 4180: a field holding a quote, a comma or a line break is enclosed in quotes. */
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: string | null): string {
  if (value === null || value === '') return '';
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRecord(values: readonly (string | null)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : ',') + csvCell(values[i]);
  return line + LINE_END;
}

export const AUDIT_CSV_HEADER = UTF8_BOM + csvRecord(AUDIT_CSV_COLUMNS);
