import { DomainEvent, DomainEventName } from '@app/core';

export type RevocationReason = 'password_reset' | 'password_changed' | 'logout' | 'refresh_token_reused';

/** A user's sessions were ended in bulk. Audited in the transaction that revoked them. */
@DomainEventName('sessions.user_sessions_revoked')
export class UserSessionsRevokedEvent extends DomainEvent {
  constructor(
    readonly userId: string,
    readonly targetUsername: string,
    readonly count: number,
    readonly reason: RevocationReason,
    /** The reset id when a password reset caused it. */
    readonly correlationId: string | null,
    readonly actor: { id: string; username: string } | null,
    readonly sessionIds: string[],
  ) {
    super();
  }
}
