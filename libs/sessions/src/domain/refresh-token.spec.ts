import { formatRefreshToken, hashRefreshSecret, newRefreshSecret, parseRefreshToken, sameHash } from './refresh-token';

const SESSION = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';

describe('the refresh token codec', () => {
  it('round-trips session id, generation and secret', () => {
    const secret = newRefreshSecret();
    for (const generation of [0, 1, 42, 999_999_999]) {
      const token = formatRefreshToken({ sessionId: SESSION, generation, secret });
      expect(token).toBe(`${SESSION}.${generation}.${secret}`);
      expect(parseRefreshToken(token)).toEqual({ sessionId: SESSION, generation, secret });
    }
  });

  it('makes 256-bit url-safe secrets that never repeat', () => {
    const secrets = Array.from({ length: 1000 }, () => newRefreshSecret());
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    }
    expect(new Set(secrets).size).toBe(1000);
  });

  it.each([
    ['empty', ''],
    ['garbage', 'garbage'],
    ['two parts', `${SESSION}.0`],
    ['four parts', `${SESSION}.0.${'a'.repeat(43)}.x`],
    ['a short secret', `${SESSION}.0.${'a'.repeat(42)}`],
    ['a long secret', `${SESSION}.0.${'a'.repeat(44)}`],
    ['a secret with padding', `${SESSION}.0.${'a'.repeat(42)}=`],
    ['a negative generation', `${SESSION}.-1.${'a'.repeat(43)}`],
    ['a generation of ten digits', `${SESSION}.1234567890.${'a'.repeat(43)}`],
    ['a non-numeric generation', `${SESSION}.x.${'a'.repeat(43)}`],
    ['a short session id', `${SESSION.slice(1)}.0.${'a'.repeat(43)}`],
    ['a session id of dashes', `${'-'.repeat(36)}.0.${'a'.repeat(43)}`],
    ['a session id with misplaced dashes', `${SESSION.replace(/-/g, '')}----.0.${'a'.repeat(43)}`],
    ['an upper-case session id', `${SESSION.toUpperCase()}.0.${'a'.repeat(43)}`],
    ['spaces', ` ${SESSION}.0.${'a'.repeat(43)}`],
  ])('refuses %s', (_what, value) => {
    expect(parseRefreshToken(value)).toBeNull();
  });

  it('stores only a SHA-256 of the secret, the same for the same secret', () => {
    const secret = newRefreshSecret();
    const hash = hashRefreshSecret(secret);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(secret);
    expect(hashRefreshSecret(secret)).toBe(hash);
    expect(hashRefreshSecret(newRefreshSecret())).not.toBe(hash);
  });

  it('compares hashes in constant time, refusing different lengths', () => {
    const hash = hashRefreshSecret('a');
    expect(sameHash(hash, hashRefreshSecret('a'))).toBe(true);
    expect(sameHash(hash, hashRefreshSecret('b'))).toBe(false);
    expect(sameHash(hash, hash.slice(0, 62))).toBe(false);
  });
});
