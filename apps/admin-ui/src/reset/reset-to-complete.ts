import type { ActorRef, CreatedPasswordReset, PasswordReset, ResetMethod, User } from '../api/types';

/** What the completion popup needs, whether the reset was just made or is picked up later. */
export interface ResetToComplete {
  id: string;
  userId: string;
  method: ResetMethod;
  /** Only right after the reset: the API returns it once. */
  password: string | null;
  emailAddress: string | null;
  emailValid: boolean;
  createdAt: string;
  completeBy: string;
  passwordExpiresAt: string | null;
  performedBy: ActorRef;
}

export function fromCreatedReset(created: CreatedPasswordReset): ResetToComplete {
  return {
    id: created.id,
    userId: created.userId,
    method: created.method,
    password: created.password,
    emailAddress: created.email.address,
    emailValid: created.email.valid && !!created.email.address,
    createdAt: created.createdAt,
    completeBy: created.completeBy,
    passwordExpiresAt: created.passwordExpiresAt,
    performedBy: created.performedBy,
  };
}

/** A pending reset picked up later mails to the address on record now, so that is the one shown. */
export function fromPendingReset(reset: PasswordReset, user: User): ResetToComplete {
  return {
    id: reset.id,
    userId: reset.userId,
    method: reset.method,
    password: null,
    emailAddress: user.email,
    emailValid: user.emailValid && !!user.email,
    createdAt: reset.createdAt,
    completeBy: reset.completeBy,
    passwordExpiresAt: null,
    performedBy: reset.performedBy,
  };
}

export function isCompletable(reset: PasswordReset, now = Date.now()): boolean {
  return reset.status === 'pending' && Date.parse(reset.completeBy) > now;
}
