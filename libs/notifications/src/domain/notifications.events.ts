import { DomainEvent, DomainEventName } from '@app/core';

/** The SMTP server accepted the reset email. Audited as password_reset.email_sent. */
@DomainEventName('notifications.password_reset_email_sent')
export class PasswordResetEmailSentEvent extends DomainEvent {
  constructor(
    readonly resetId: string,
    readonly userId: string,
    readonly targetUsername: string,
    readonly actor: { id: string; username: string },
    readonly address: string,
    readonly messageId: string,
    readonly attempts: number,
  ) {
    super();
  }
}

/** The reset email could not be delivered (permanent failure, attempts exhausted, or the reset no longer current). */
@DomainEventName('notifications.password_reset_email_failed')
export class PasswordResetEmailFailedEvent extends DomainEvent {
  constructor(
    readonly resetId: string,
    readonly userId: string,
    readonly targetUsername: string,
    readonly actor: { id: string; username: string },
    readonly address: string | null,
    readonly attempts: number,
    readonly reason: string,
  ) {
    super();
  }
}
