const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?))?$/;

/**
 * Reads an ISO 8601 instant: a date (midnight UTC) or a date and time with an explicit zone (`Z` or an
 * offset). A time without a zone is refused rather than read in the server's zone. Returns the instant
 * as fixed-width UTC text with nanoseconds (`2026-12-03T09:00:00.000000000Z`), which PostgreSQL reads
 * and which compares correctly as a string; null when the value is not such an instant.
 */
export function normalizeIsoInstant(value: string): string | null {
  const match = ISO_INSTANT.exec(value);
  if (!match) return null;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = match;
  const offsetMinutes = parseOffset(zone);
  if (offsetMinutes === null) return null;
  const fields = [Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second)];
  if (!isRealDateTime(fields)) return null;
  const nanos = fraction.padEnd(9, '0');
  const epochMs = utcMillis(fields) + Number(nanos.slice(0, 3)) - offsetMinutes * 60_000;
  const utc = new Date(epochMs).toISOString();
  // Shifting by the offset can leave years 1-9999 (PostgreSQL has no year 0).
  if (!/^\d{4}-/.test(utc) || utc.startsWith('0000')) return null;
  return `${utc.slice(0, 23)}${nanos.slice(3)}Z`;
}

/** Date.UTC reads years 0-99 as 1900-1999; setUTCFullYear does not. */
function utcMillis([year, month, day, hour, minute, second]: number[]): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

function parseOffset(zone: string): number | null {
  if (zone === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return null;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

function isRealDateTime([year, month, day, hour, minute, second]: number[]): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const date = new Date(utcMillis([year, month, day, 0, 0, 0]));
  return date.getUTCDate() === day && date.getUTCMonth() === month - 1;
}
