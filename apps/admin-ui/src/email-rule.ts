/*
 * The email rule is the API's own module (libs/users), bundled into the page, so the live check as the
 * admin types can never disagree with what the API accepts or with `emailValid`.
 */
import { isDeliverableEmail } from '../../../libs/users/src/domain/email-rule';

export function normalizeEmail(input: string): string {
  return input.trim();
}

export function isValidEmail(input: string): boolean {
  return isDeliverableEmail(normalizeEmail(input));
}
