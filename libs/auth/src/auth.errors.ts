import { DomainError } from '@app/core';

export const AuthErrors = {
  /** The same answer for an unknown login and a wrong password. */
  invalidCredentials: () => new DomainError('unauthenticated', 'INVALID_CREDENTIALS', 'The login or password is incorrect.'),
  passwordExpired: () => new DomainError('unauthenticated', 'PASSWORD_EXPIRED', 'This temporary password has expired; ask an administrator to reset it again.'),
  passwordChangeRequired: () => new DomainError('forbidden', 'PASSWORD_CHANGE_REQUIRED', 'Change your password before doing anything else.'),
  forbidden: () => new DomainError('forbidden', 'FORBIDDEN', 'You do not have the role this requires.'),
};
