/** A Saudi IQAMA / national id: 10 digits, the first 1 (citizen) or 2 (resident), with a valid Luhn check digit. */
export function isValidIqama(value: unknown): value is string {
  if (typeof value !== 'string' || !/^[12]\d{9}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    let digit = Number(value[9 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export const IQAMA_RULE_MESSAGE = 'must be 10 digits starting with 1 or 2 with a valid check digit';
