import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `<session id>.<generation>.<secret>`: opaque to clients; only the secret's hash is stored. */
export interface RefreshToken {
  sessionId: string;
  generation: number;
  secret: string;
}

// The session id must be a real UUID: anything else would reach the uuid column and fail there (a 500).
const FORMAT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(\d{1,9})\.([A-Za-z0-9_-]{43})$/;

export function newRefreshSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function formatRefreshToken(token: RefreshToken): string {
  return `${token.sessionId}.${token.generation}.${token.secret}`;
}

export function parseRefreshToken(value: string): RefreshToken | null {
  const match = FORMAT.exec(value);
  return match ? { sessionId: match[1], generation: Number(match[2]), secret: match[3] } : null;
}

export function hashRefreshSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
