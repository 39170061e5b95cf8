/**
 * Whether a request asks for CSV: `format=csv`, or, without `format`, an Accept header that prefers
 * text/csv to application/json (by q-value, then by order).
 */
export function wantsCsv(format: 'json' | 'csv' | undefined, accept: string | undefined): boolean {
  if (format) return format === 'csv';
  if (!accept) return false;
  const ranges = accept.split(',').map((part, index) => {
    const [type, ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = parameters.find((p) => p.startsWith('q='));
    return { type, q: q ? Number(q.slice(2)) : 1, index };
  });
  const csv = ranges.find((range) => range.type === 'text/csv');
  if (!csv || !(csv.q > 0)) return false;
  const json = ranges.find((range) => range.type === 'application/json');
  return !json || csv.q > json.q || (csv.q === json.q && csv.index < json.index);
}

/** `audit-events-20261203T091502Z.csv` */
export function csvFileName(at: Date): string {
  return `audit-events-${at.toISOString().replace(/\.\d{3}/, '').replace(/[-:]/g, '')}.csv`;
}
