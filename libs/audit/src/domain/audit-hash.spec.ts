import { auditEventHash, canonicalAuditBytes, ChainedAuditRow, GENESIS_HASH, jsonbText } from './audit-hash';

const row: ChainedAuditRow = {
  seq: 1042n,
  id: '0f6a3c6e-8d2b-4c1e-9b7a-2d3e4f5a6b7c',
  occurredAt: new Date('2026-12-03T09:15:02.123Z'),
  action: 'password_reset.performed',
  actorId: '11111111-1111-4111-8111-111111111111',
  actorUsername: 'admin',
  targetId: '22222222-2222-4222-8222-222222222222',
  targetUsername: 'fatima.k',
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0',
  requestId: 'req-1',
  correlationId: '33333333-3333-4333-8333-333333333333',
  eventId: '44444444-4444-4444-8444-444444444444',
  details: { method: 'random', requirePasswordChange: true, reason: null },
};

describe('audit hash canonical form', () => {
  it('writes every field in a fixed order, in PostgreSQL binary encodings', () => {
    const bytes = canonicalAuditBytes({ ...row, actorId: null, correlationId: null, ip: null, details: {} });
    const expected = [
      '01', // version
      '0000000000000412', // seq 1042, int8
      '0f6a3c6e8d2b4c1e9b7a2d3e4f5a6b7c', // id
      (BigInt(Date.parse('2026-12-03T09:15:02.123Z') - Date.parse('2000-01-01T00:00:00Z')) * 1000n).toString(16).padStart(16, '0'), // occurred_at, µs since 2000
      '00000018' + Buffer.from('password_reset.performed').toString('hex'), // action: length 24, bytes
      '00', // actor_id: null
      '00000005' + Buffer.from('admin').toString('hex'),
      '01' + '22222222222242228222222222222222', // target_id: present
      '00000008' + Buffer.from('fatima.k').toString('hex'),
      'ffffffff', // ip: null text
      '0000000b' + Buffer.from('Mozilla/5.0').toString('hex'),
      '00000005' + Buffer.from('req-1').toString('hex'),
      '00', // correlation_id: null
      '44444444444444448444444444444444', // event_id
      '00000002' + Buffer.from('{}').toString('hex'),
    ].join('');
    expect(bytes.toString('hex')).toBe(expected);
  });

  it('counts text lengths in UTF-8 bytes', () => {
    const bytes = canonicalAuditBytes({ ...row, targetUsername: 'فاطمة' });
    expect(bytes.includes(Buffer.concat([Buffer.from([0, 0, 0, 10]), Buffer.from('فاطمة')]))).toBe(true);
  });

  it('tells a null from an empty string, and cannot be fooled by moving bytes between fields', () => {
    const base = auditEventHash(GENESIS_HASH, row).toString('hex');
    expect(auditEventHash(GENESIS_HASH, { ...row, ip: '' }).toString('hex')).not.toBe(auditEventHash(GENESIS_HASH, { ...row, ip: null }).toString('hex'));
    const shifted = { ...row, ip: 'a', userAgent: 'bc' };
    const other = { ...row, ip: 'ab', userAgent: 'c' };
    expect(auditEventHash(GENESIS_HASH, shifted).equals(auditEventHash(GENESIS_HASH, other))).toBe(false);
    expect(auditEventHash(GENESIS_HASH, row).toString('hex')).toBe(base);
  });

  it('ignores the spelling of ids and the order of detail keys, as the database does', () => {
    const upper = { ...row, id: row.id.toUpperCase(), actorId: row.actorId!.toUpperCase() };
    const reordered = { ...row, details: { reason: null, requirePasswordChange: true, method: 'random' } };
    const expected = auditEventHash(GENESIS_HASH, row);
    expect(auditEventHash(GENESIS_HASH, upper).equals(expected)).toBe(true);
    expect(auditEventHash(GENESIS_HASH, reordered).equals(expected)).toBe(true);
  });

  it('chains: the same row after a different predecessor has a different hash', () => {
    const first = auditEventHash(GENESIS_HASH, row);
    expect(auditEventHash(first, row).equals(first)).toBe(false);
    expect(first).toHaveLength(32);
  });

  it('changes with every field', () => {
    const base = auditEventHash(GENESIS_HASH, row);
    const changes: Partial<ChainedAuditRow>[] = [
      { seq: 1043n },
      { occurredAt: new Date('2026-12-03T09:15:02.124Z') },
      { action: 'password_reset.completed' },
      { actorUsername: 'admin2' },
      { userAgent: 'curl' },
      { correlationId: null },
      { eventId: '55555555-5555-4555-8555-555555555555' },
      { details: { method: 'iqama', requirePasswordChange: true, reason: null } },
    ];
    for (const change of changes) expect(auditEventHash(GENESIS_HASH, { ...row, ...change }).equals(base)).toBe(false);
  });
});

describe('jsonbText', () => {
  it('orders keys by byte length, then bytes, with jsonb spacing', () => {
    expect(jsonbText({ reason: 'x', bb: true, a: 1, aa: ['x', 'y'], nested: { z: 1, y: null } })).toBe(
      '{"a": 1, "aa": ["x", "y"], "bb": true, "nested": {"y": null, "z": 1}, "reason": "x"}',
    );
  });

  it('escapes strings as PostgreSQL does', () => {
    expect(jsonbText({ s: 'tab\t "q" \\ \u0001 عربي' })).toBe('{"s": "tab\\t \\"q\\" \\\\ \\u0001 عربي"}');
  });

  it('refuses numbers whose text PostgreSQL would print differently', () => {
    expect(() => jsonbText({ n: 1e21 })).toThrow();
    expect(() => jsonbText({ n: Number.NaN })).toThrow();
    expect(jsonbText({ n: -3.25 })).toBe('{"n": -3.25}');
  });
});
