import { hkdfSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { APP_SECRET } from './cluster';

/** The access-token key as the app derives it from APP_SECRET (SecretBox.signingKey('access-token')). */
export function accessTokenKey(appSecret = APP_SECRET): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(appSecret, 'utf8'), Buffer.alloc(0), 'custodian:access-token', 32));
}

export function claimsOf(token: string): { sub: string; sid: string; iat: number; exp: number } {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/** True when `token` verifies with the derived key: the forged tokens below are then meaningful. */
export function verifiesWithDerivedKey(token: string): boolean {
  try {
    jwt.verify(token, accessTokenKey(), { algorithms: ['HS256'] });
    return true;
  } catch {
    return false;
  }
}

const now = () => Math.floor(Date.now() / 1000);

/** The same session, the right key, but expired half an hour ago. */
export function expiredToken(valid: string): string {
  const { sub, sid } = claimsOf(valid);
  return jwt.sign({ sub, sid, iat: now() - 3600, exp: now() - 1800 }, accessTokenKey(), { algorithm: 'HS256' });
}

/** The same claims, signed with a key the app does not have. */
export function tokenSignedWithAnotherKey(valid: string): string {
  const { sub, sid } = claimsOf(valid);
  return jwt.sign({ sub, sid, iat: now(), exp: now() + 600 }, 'another-key-that-is-long-enough-0123456789', { algorithm: 'HS256' });
}

/** The same claims, unsigned (`alg: none`). */
export function unsignedToken(valid: string): string {
  const { sub, sid } = claimsOf(valid);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub, sid, iat: now(), exp: now() + 600 })}.`;
}
