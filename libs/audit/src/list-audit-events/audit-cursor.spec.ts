import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor';

describe('audit cursor', () => {
  it('round-trips a seq and is opaque base64url', () => {
    const cursor = encodeAuditCursor('1042');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('1042');
    expect(decodeAuditCursor(cursor)).toBe('1042');
  });

  it('round-trips the largest bigint', () => {
    expect(decodeAuditCursor(encodeAuditCursor('9223372036854775807'))).toBe('9223372036854775807');
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc$%'],
    ['padding', `${encodeAuditCursor('5')}=`],
    ['a bare number', '1042'],
    ['garbage that decodes', Buffer.from('hello').toString('base64url')],
    ['another version', Buffer.from('v2:5').toString('base64url')],
    ['zero', Buffer.from('v1:0').toString('base64url')],
    ['leading zero', Buffer.from('v1:05').toString('base64url')],
    ['negative', Buffer.from('v1:-5').toString('base64url')],
    ['past bigint', Buffer.from('v1:9223372036854775808').toString('base64url')],
    ['trailing text', Buffer.from('v1:5 or 1=1').toString('base64url')],
    ['too long', 'A'.repeat(100)],
  ])('refuses %s', (_what, cursor) => {
    expect(decodeAuditCursor(cursor)).toBeNull();
  });

  it('refuses a non-canonical spelling of a valid cursor', () => {
    const cursor = encodeAuditCursor('7'); // 'djE6Nw': the last character carries unused bits
    const sibling = cursor.slice(0, -1) + (cursor.endsWith('w') ? 'x' : 'w');
    expect(Buffer.from(sibling, 'base64url').toString()).toBe('v1:7');
    expect(decodeAuditCursor(sibling)).toBeNull();
  });
});
