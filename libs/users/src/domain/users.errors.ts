import { DomainError } from '@app/core';

export const UserErrors = {
  usernameTaken: () => new DomainError('conflict', 'USERNAME_TAKEN', 'That username is already in use.'),
  emailTaken: () => new DomainError('conflict', 'EMAIL_TAKEN', 'That email address is already in use.'),
  iqamaTaken: () => new DomainError('conflict', 'IQAMA_TAKEN', 'That IQAMA number is already on record for another user.'),
  selfReset: () => new DomainError('forbidden', 'SELF_RESET_FORBIDDEN', 'Administrators cannot reset their own password here; use Change password.'),
  iqamaMissing: () => new DomainError('unprocessable', 'IQAMA_MISSING', 'This parent has no IQAMA number on record; add one before resetting.'),
  emailMissing: () => new DomainError('unprocessable', 'EMAIL_MISSING', 'The user has no email address; add one or complete without email.'),
  emailInvalid: () => new DomainError('unprocessable', 'EMAIL_INVALID', "The user's email address is not valid; fix it or complete without email."),
  resetAlreadyCompleted: () => new DomainError('conflict', 'RESET_ALREADY_COMPLETED', 'This reset was already completed.'),
  resetSuperseded: () => new DomainError('conflict', 'RESET_SUPERSEDED', 'A newer reset of this user exists; this one can no longer be completed.'),
  resetExpired: () => new DomainError('gone', 'RESET_EXPIRED', 'This reset can no longer be completed; reset the password again.'),
  idempotencyKeyReused: () => new DomainError('conflict', 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key belongs to a reset that is no longer pending.'),
  idempotencyKeyMismatch: () => new DomainError('unprocessable', 'IDEMPOTENCY_KEY_MISMATCH', 'This Idempotency-Key was used for a different request.'),
  currentPasswordIncorrect: () => new DomainError('unprocessable', 'CURRENT_PASSWORD_INCORRECT', 'The current password is incorrect.'),
  samePassword: () => new DomainError('unprocessable', 'PASSWORD_TOO_WEAK', 'The new password must differ from the current one.'),
};
