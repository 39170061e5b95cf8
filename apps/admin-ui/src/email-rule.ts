/*
 * The email format rule, identical to the API's so the live check never
 * disagrees with the server. Kept alone in this module so it can be swapped
 * for the rule the API exports once it does.
 */

const LOCAL_PART_CHARS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TOP_LEVEL_DOMAIN = /^[A-Za-z]{2,}$/;
const MAX_EMAIL_LENGTH = 254;

export function normalizeEmail(input: string): string {
  return input.trim();
}

export function isValidEmail(input: string): boolean {
  const email = normalizeEmail(input);
  if (email.length === 0 || email.length > MAX_EMAIL_LENGTH) return false;

  const parts = email.split('@');
  if (parts.length !== 2) return false;
  const [local, domain] = parts;

  if (!LOCAL_PART_CHARS.test(local)) return false;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;

  const labels = domain.split('.');
  if (labels.length < 2) return false;
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return false;
  return TOP_LEVEL_DOMAIN.test(labels[labels.length - 1]);
}
