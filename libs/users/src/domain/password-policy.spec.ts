import { DomainError } from '@app/core';
import { assertAcceptablePassword, MAX_PASSWORD_BYTES, MIN_PASSWORD_LENGTH } from './password-policy';

const context = { username: 'fatima.k.longname', email: 'fatima.khalid@example.org', displayName: 'Fatima Khalid' };

function refusal(password: string, ctx = context): string | null {
  try {
    assertAcceptablePassword(password, ctx);
    return null;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    expect(error.kind).toBe('unprocessable');
    return error.code;
  }
}

describe('the password policy', () => {
  it('has the contract\'s bounds', () => {
    expect(MIN_PASSWORD_LENGTH).toBe(12);
    expect(MAX_PASSWORD_BYTES).toBe(72);
  });

  it('accepts a strong password', () => {
    expect(refusal('Vivid-Harbor-Quartz-81')).toBeNull();
  });

  it('accepts exactly 72 UTF-8 bytes and refuses 73 with PASSWORD_TOO_LONG', () => {
    const strong72 = 'Vivid-Harbor-Quartz-81-'.padEnd(72, 'kQ7#');
    expect(Buffer.byteLength(strong72)).toBe(72);
    expect(refusal(strong72)).toBeNull();
    expect(refusal(`${strong72}x`)).toBe('PASSWORD_TOO_LONG');
  });

  it('counts UTF-8 bytes, not characters', () => {
    const arabic = 'كلمة-سر-'.repeat(6); // 48 characters, 84 bytes
    expect([...arabic].length).toBeLessThan(72);
    expect(Buffer.byteLength(arabic)).toBeGreaterThan(72);
    expect(refusal(arabic)).toBe('PASSWORD_TOO_LONG');
    expect(refusal('🔐'.repeat(19))).toBe('PASSWORD_TOO_LONG'); // 19 characters, 76 bytes
  });

  it('checks the length rules before anything else', () => {
    // Too long and also weak, and equal to the username: the length answers.
    expect(refusal('a'.repeat(73))).toBe('PASSWORD_TOO_LONG');
    const longName = { ...context, username: 'x'.repeat(80) };
    expect(refusal('x'.repeat(80), longName)).toBe('PASSWORD_TOO_LONG');
    expect(() => assertAcceptablePassword('a'.repeat(73), context)).toThrow(/72 bytes/);
  });

  it('refuses fewer than 12 characters with PASSWORD_TOO_WEAK, counting characters not bytes', () => {
    expect(refusal('Xk#9vQ!2mZw')).toBe('PASSWORD_TOO_WEAK');
    expect(() => assertAcceptablePassword('Xk#9vQ!2mZw', context)).toThrow(/at least 12 characters/);
    expect(refusal('Xk#9vQ!2mZwP')).toBeNull();
  });

  it('refuses the username or email, in any case', () => {
    expect(refusal(context.username)).toBe('PASSWORD_TOO_WEAK');
    expect(refusal(context.username.toUpperCase())).toBe('PASSWORD_TOO_WEAK');
    expect(refusal(context.email)).toBe('PASSWORD_TOO_WEAK');
    expect(refusal('FATIMA.KHALID@EXAMPLE.ORG')).toBe('PASSWORD_TOO_WEAK');
  });

  it('explains a weak password in one clean sentence', () => {
    expect(() => assertAcceptablePassword('Fatima Khalid 2024', context)).toThrow(/^The password is too easy to guess: .*[^.]\.$/);
  });

  it.each(['password1234', 'qwertyuiop123', 'aaaaaaaaaaaaaaa', '123456789012', 'iloveyou2024!'])('refuses the guessable %p with PASSWORD_TOO_WEAK', (password) => {
    expect(refusal(password)).toBe('PASSWORD_TOO_WEAK');
  });

  it('gives the username, email and display name to the estimator as user inputs', () => {
    // Strong enough for anybody else, but built from this user's own name.
    const other = { username: 'someone.else', email: 'someone@example.org', displayName: 'Someone' };
    for (const password of ['Fatima Khalid 2024', 'fatima.k.longname99']) {
      expect(refusal(password, other)).toBeNull();
      expect(refusal(password)).toBe('PASSWORD_TOO_WEAK');
    }
  });

  it('offers the length rules alone, for checks before a bcrypt comparison', () => {
    expect(() => assertAcceptablePassword.lengthOnly('password1234')).not.toThrow();
    expect(() => assertAcceptablePassword.lengthOnly('short')).toThrow(DomainError);
    expect(() => assertAcceptablePassword.lengthOnly('x'.repeat(73))).toThrow(/72/);
  });
});
