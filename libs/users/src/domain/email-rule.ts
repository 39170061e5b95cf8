/**
 * The one email rule: used to accept an address (create, update) and to compute `emailValid`. A
 * deliverable-looking address: one @, a dot-atom local part, a domain of DNS labels with an alphabetic TLD.
 */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TLD = /^[A-Za-z]{2,63}$/;

export function isDeliverableEmail(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 254 || value !== value.trim()) return false;
  const at = value.lastIndexOf('@');
  if (at < 1 || value.indexOf('@') !== at) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return false;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) return false;
  return TLD.test(labels[labels.length - 1]);
}

export const EMAIL_RULE_MESSAGE = 'must be a valid email address';
