import { randomInt } from 'node:crypto';

// No look-alikes: 0 O o 1 l I are left out so a password read aloud or copied by hand stays unambiguous.
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const DIGITS = '23456789';
const SYMBOLS = '!#$%&*+-=?@^_~';
const CLASSES = [UPPER, LOWER, DIGITS, SYMBOLS];
const ALL = CLASSES.join('');

/**
 * A password from the CSPRNG: one character of each class, the rest from all of them, then shuffled
 * (Fisher-Yates). `randomInt` draws without modulo bias.
 */
export function generatePassword(length: number): string {
  if (length < 12) throw new Error('Generated passwords are never shorter than 12 characters');
  const chars = CLASSES.map(pick);
  while (chars.length < length) chars.push(pick(ALL));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)];
}

export const PASSWORD_ALPHABET = { UPPER, LOWER, DIGITS, SYMBOLS };
