import { csvFileName, wantsCsv } from './csv-negotiation';

describe('CSV negotiation', () => {
  it.each<[string | undefined, string | undefined, boolean]>([
    ['csv', undefined, true],
    ['json', 'text/csv', false],
    [undefined, 'text/csv', true],
    [undefined, 'text/csv; charset=utf-8', true],
    [undefined, 'application/json', false],
    [undefined, undefined, false],
    [undefined, '*/*', false],
    [undefined, 'text/html,application/xhtml+xml,*/*;q=0.8', false],
    [undefined, 'application/json, text/csv', false],
    [undefined, 'text/csv, application/json', true],
    [undefined, 'application/json;q=0.5, text/csv', true],
    [undefined, 'text/csv;q=0', false],
  ])('format=%s Accept=%s → CSV %s', (format, accept, expected) => {
    expect(wantsCsv(format as 'csv' | 'json' | undefined, accept)).toBe(expected);
  });

  it('names the file after the moment of the export', () => {
    expect(csvFileName(new Date('2026-12-03T09:15:02.123Z'))).toBe('audit-events-20261203T091502Z.csv');
  });
});
