import { Query } from '@nestjs/cqrs';
import type { Locale, ResetMethod } from '../domain/user.types';

export interface PasswordResetEmailContent {
  /** `current` only while the reset's password is still the user's; anything else must not be emailed. */
  state: 'current' | 'superseded' | 'expired' | 'not_found';
  resetId: string;
  userId: string;
  to: string | null;
  username: string;
  displayName: string;
  email: string | null;
  locale: Locale;
  method: ResetMethod;
  /** Plaintext, decrypted from the pending copy; null for the IQAMA method or once purged. Never log it. */
  password: string | null;
  requirePasswordChange: boolean;
  performedBy: { id: string; username: string };
}

/** What the reset email must say; answered by the users module, which alone can decrypt the pending password. */
export class GetPasswordResetEmailQuery extends Query<PasswordResetEmailContent> {
  constructor(readonly resetId: string) {
    super();
  }
}
