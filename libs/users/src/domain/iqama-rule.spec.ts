import { isValidIqama } from './iqama-rule';

/** Appends the Luhn check digit to nine digits. */
function complete(nine: string): string {
  for (let check = 0; check < 10; check++) {
    const candidate = `${nine}${check}`;
    let sum = 0;
    for (let i = 0; i < 10; i++) {
      let d = Number(candidate[9 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

describe('the IQAMA rule', () => {
  it.each(['1000000008', '2000000006', complete('123456789'), complete('298765432'), complete('100000000'), complete('299999999')])('accepts %s', (value) => {
    expect(isValidIqama(value)).toBe(true);
  });

  it('computes the Luhn check the standard way (doubling every second digit from the right)', () => {
    // 1234567897: 7 + (9*2-9) + 8 + (7*2-9) + 6 + (5*2-9) + 4 + 3*2 + 2 + 1*2 = 50
    expect(isValidIqama('1234567897')).toBe(true);
    expect(isValidIqama('1234567890')).toBe(false);
  });

  it('refuses every wrong check digit', () => {
    const good = complete('187654321');
    for (let digit = 0; digit < 10; digit++) {
      const candidate = `${good.slice(0, 9)}${digit}`;
      expect(isValidIqama(candidate)).toBe(candidate === good);
    }
  });

  it('refuses a single changed digit anywhere', () => {
    const good = complete('112233445');
    for (let position = 0; position < 10; position++) {
      const changed = `${good.slice(0, position)}${(Number(good[position]) + 1) % 10}${good.slice(position + 1)}`;
      expect(isValidIqama(changed)).toBe(false);
    }
  });

  it.each(['0', '3', '4', '5', '6', '7', '8', '9'])('refuses a first digit %s even with a valid check digit', (first) => {
    expect(isValidIqama(complete(`${first}23456789`))).toBe(false);
  });

  it.each([
    ['nine digits', complete('123456789').slice(0, 9)],
    ['eleven digits', `${complete('123456789')}0`],
    ['empty', ''],
    ['letters', '12345678ab'],
    ['leading space', ` ${complete('123456789')}`],
    ['trailing newline', `${complete('123456789')}\n`],
    ['dashes', '123-456-7897'],
    ['Arabic-Indic digits', '١٢٣٤٥٦٧٨٩٧'],
  ])('refuses %s', (_what, value) => {
    expect(isValidIqama(value)).toBe(false);
  });

  it.each([1234567897, null, undefined, {}, ['1234567897']])('refuses the non-string %p', (value) => {
    expect(isValidIqama(value)).toBe(false);
  });
});
