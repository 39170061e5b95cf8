const VERSION = 'v1:';
const MAX_SEQ = 9223372036854775807n;
const BASE64URL = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Keyset cursor: base64url of `v1:<seq of the last row returned>`. Opaque to clients; validated strictly
 * on the way back in (only what encode would produce is accepted), so a cursor that was not ours is a 400
 * and never reaches SQL.
 */
export function encodeAuditCursor(seq: string): string {
  return Buffer.from(`${VERSION}${seq}`, 'utf8').toString('base64url');
}

/** The seq a cursor stands for, or null when it is not a cursor this API issued. */
export function decodeAuditCursor(cursor: string): string | null {
  if (!BASE64URL.test(cursor)) return null;
  const match = /^v1:([1-9]\d{0,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || BigInt(match[1]) > MAX_SEQ) return null;
  return encodeAuditCursor(match[1]) === cursor ? match[1] : null;
}
