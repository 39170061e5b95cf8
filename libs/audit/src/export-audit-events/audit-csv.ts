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

/** RFC 4180: a field holding a quote, a comma or a line break is enclosed in quotes. */
const NEEDS_QUOTES = /[",\r\n]/;

/** What a spreadsheet would run as a formula (or DDE): =, +, -, @, tab, carriage return. */
function startsLikeFormula(value: string): boolean {
  const first = value.charCodeAt(0);
  return first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13;
}

/** One field: neutralised with a leading `'` if a spreadsheet would run it, then quoted if RFC 4180 requires. */
export function csvCell(value: string | null): string {
  if (value === null || value === '') return '';
  const safe = startsLikeFormula(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRecord(values: readonly (string | null)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : ',') + csvCell(values[i]);
  return line + LINE_END;
}

/**
 * One audit row in AUDIT_CSV_COLUMNS order, as the export selects it. seq, occurredAt, action and the
 * three ids cannot hold anything to quote or neutralise (digits, a UTC timestamp, a checked action name,
 * UUIDs: the table's types and constraints guarantee it), so only the six free-text cells are examined:
 * this is the export's innermost loop.
 */
export function auditCsvRecord(row: readonly (string | null)[]): string {
  return (
    `${row[0]},${row[1]},${row[2]},${row[3] ?? ''},${csvCell(row[4])},${row[5] ?? ''},${csvCell(row[6])},` +
    `${csvCell(row[7])},${csvCell(row[8])},${csvCell(row[9])},${row[10] ?? ''},${csvCell(row[11])}${LINE_END}`
  );
}

export const AUDIT_CSV_HEADER = UTF8_BOM + csvRecord(AUDIT_CSV_COLUMNS);
