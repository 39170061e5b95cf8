import { AUDIT_CSV_HEADER, auditCsvRecord, csvCell, csvRecord } from './audit-csv';

describe('audit CSV', () => {
  it('starts with a UTF-8 BOM and the header row in contract order', () => {
    expect(AUDIT_CSV_HEADER).toBe(
      '\uFEFFseq,occurredAt,action,actorId,actorUsername,targetId,targetUsername,ip,userAgent,requestId,correlationId,details\r\n',
    );
  });

  it('writes plain values as they are and null as an empty field', () => {
    expect(csvRecord(['1', 'fatima.k', null, ''])).toBe('1,fatima.k,,\r\n');
  });

  it('quotes fields holding a comma, a quote or a line break, doubling quotes (RFC 4180)', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('cr\rlf')).toBe('"cr\rlf"');
    expect(csvCell('{"method": "random", "reason": "a, b"}')).toBe('"{""method"": ""random"", ""reason"": ""a, b""}"');
  });

  it.each(['=SUM(A1:A2)', '+1+1', '-2+3', '@cmd', '\tTAB', '\rCR'])('neutralises a cell starting like a formula: %j', (value) => {
    const cell = csvCell(value);
    const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
    expect(unquoted).toBe(`'${value}`);
  });

  it('quotes a neutralised cell that also needs quoting', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('\rnext')).toBe(`"'\rnext"`);
  });

  it('leaves formula characters alone when they are not first', () => {
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('ticket-4711')).toBe('ticket-4711');
  });

  it('keeps Arabic and other non-ASCII text intact', () => {
    expect(csvCell('فاطمة')).toBe('فاطمة');
    expect(csvRecord(['عربي, نص'])).toBe('"عربي, نص"\r\n');
  });
});

describe('auditCsvRecord', () => {
  const row = ['1042', '2026-12-03T09:15:02.123Z', 'password_reset.performed', 'a1b2c3d4-0000-4000-8000-000000000001', '=admin', null, 'فاطمة, ك', '-1', 'say "hi"\r\n', '@x', null, '{"reason": "a,b"}'];

  it('writes an audit row as the general rules would, checking only the free-text cells', () => {
    expect(auditCsvRecord(row)).toBe(csvRecord(row));
    expect(auditCsvRecord(row)).toBe(
      `1042,2026-12-03T09:15:02.123Z,password_reset.performed,a1b2c3d4-0000-4000-8000-000000000001,'=admin,,"فاطمة, ك",'-1,"say ""hi""\r\n",'@x,,"{""reason"": ""a,b""}"\r\n`,
    );
  });
});
