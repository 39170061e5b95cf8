import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { UserErrors } from './users.errors';

/** Two admins creating the same username at once: the unique index decides, and the loser gets the same 409. */
export function translateUniqueViolation(error: unknown): unknown {
  if (!(error instanceof UniqueConstraintViolationException)) return error;
  const text = `${(error as { constraint?: string }).constraint ?? ''} ${error.message}`;
  if (text.includes('app_user_username_key')) return UserErrors.usernameTaken();
  if (text.includes('app_user_email_key')) return UserErrors.emailTaken();
  if (text.includes('app_user_iqama_hash_key')) return UserErrors.iqamaTaken();
  return error;
}
