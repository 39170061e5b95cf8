import { normalizeIsoInstant } from './iso-instant';

describe('normalizeIsoInstant', () => {
  it.each([
    ['2026-12-03', '2026-12-03T00:00:00.000000000Z'],
    ['2026-12-03T09:15Z', '2026-12-03T09:15:00.000000000Z'],
    ['2026-12-03T09:15:02Z', '2026-12-03T09:15:02.000000000Z'],
    ['2026-12-03T09:15:02.5Z', '2026-12-03T09:15:02.500000000Z'],
    ['2026-12-03T09:15:02.123456789Z', '2026-12-03T09:15:02.123456789Z'],
    ['2026-12-03T12:15:02+03:00', '2026-12-03T09:15:02.000000000Z'],
    ['2026-12-03T01:00:00-0230', '2026-12-03T03:30:00.000000000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000000000Z'],
    ['0050-01-01', '0050-01-01T00:00:00.000000000Z'],
  ])('reads %s', (input, expected) => {
    expect(normalizeIsoInstant(input)).toBe(expected);
  });

  it.each([
    'yesterday',
    '2026-12-03T09:15:02', // no zone: would depend on the server's
    '2026-13-01',
    '2026-02-30',
    '2025-02-29',
    '2026-12-03T24:00:00Z',
    '2026-12-03T09:60:00Z',
    '2026-12-03T09:15:60Z',
    '2026-12-03T09:15:02+25:00',
    '2026-12-03 09:15:02Z',
    '0000-01-01',
    '1733217302',
    '',
  ])('refuses %j', (input) => {
    expect(normalizeIsoInstant(input)).toBeNull();
  });

  it('produces text that orders like time', () => {
    const earlier = normalizeIsoInstant('2026-12-03T12:00:00+03:00')!;
    const later = normalizeIsoInstant('2026-12-03T09:00:00.000000001Z')!;
    expect(earlier < later).toBe(true);
  });
});
