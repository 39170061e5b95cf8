import { generatePassword, PASSWORD_ALPHABET } from './password-generator';

const { UPPER, LOWER, DIGITS, SYMBOLS } = PASSWORD_ALPHABET;
const LOOK_ALIKES = ['0', 'O', 'o', '1', 'l', 'I'];

describe('the password generator', () => {
  it.each([12, 16, 20, 64])('makes passwords of exactly %i characters', (length) => {
    for (let i = 0; i < 50; i++) expect(generatePassword(length)).toHaveLength(length);
  });

  it('puts at least one upper-case letter, lower-case letter, digit and symbol in every password, even the shortest', () => {
    for (let i = 0; i < 500; i++) {
      const password = generatePassword(12);
      for (const alphabet of [UPPER, LOWER, DIGITS, SYMBOLS]) expect([...password].some((c) => alphabet.includes(c))).toBe(true);
    }
  });

  it('never uses a look-alike character (0 O o 1 l I)', () => {
    for (const alphabet of [UPPER, LOWER, DIGITS, SYMBOLS]) for (const c of LOOK_ALIKES) expect(alphabet).not.toContain(c);
    const sample = Array.from({ length: 500 }, () => generatePassword(16)).join('');
    for (const c of LOOK_ALIKES) expect(sample).not.toContain(c);
  });

  it('uses only its alphabet, and all of it over many draws', () => {
    const all = new Set([...UPPER, ...LOWER, ...DIGITS, ...SYMBOLS]);
    const seen = new Set(Array.from({ length: 2000 }, () => generatePassword(16)).join(''));
    for (const c of seen) expect(all.has(c)).toBe(true);
    expect(seen.size).toBe(all.size);
  });

  it('does not put the guaranteed characters in fixed places', () => {
    const firstIsUpper = Array.from({ length: 400 }, () => UPPER.includes(generatePassword(12)[0])).filter(Boolean).length;
    // One class in four: far from always and far from never.
    expect(firstIsUpper).toBeGreaterThan(40);
    expect(firstIsUpper).toBeLessThan(200);
  });

  it('does not repeat itself', () => {
    const passwords = new Set(Array.from({ length: 1000 }, () => generatePassword(16)));
    expect(passwords.size).toBe(1000);
  });

  it.each([0, 4, 11])('refuses to make a password shorter than 12 characters (%i)', (length) => {
    expect(() => generatePassword(length)).toThrow(/12/);
  });
});
