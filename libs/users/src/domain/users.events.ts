import { DomainEvent, DomainEventName } from '@app/core';
import type { ResetMethod } from './user.types';

export interface ActorRef {
  id: string;
  username: string;
}

/** An admin reset a user's password (step 1). Published with the reset's commit; audited in that transaction. */
@DomainEventName('users.password_reset')
export class PasswordResetEvent extends DomainEvent {
  constructor(
    readonly resetId: string,
    readonly userId: string,
    readonly targetUsername: string,
    readonly actor: ActorRef,
    readonly method: ResetMethod,
    readonly requirePasswordChange: boolean,
    readonly reason: string | null,
    readonly supersededResetIds: string[],
  ) {
    super();
  }
}

/** An admin applied the success popup's toggles (step 2). Sagas revoke sessions and send the email. */
@DomainEventName('users.password_reset_completed')
export class PasswordResetCompletedEvent extends DomainEvent {
  constructor(
    readonly resetId: string,
    readonly userId: string,
    readonly targetUsername: string,
    readonly actor: ActorRef,
    readonly sendEmail: boolean,
    readonly logoutSessions: boolean,
    /** Sessions opened before this instant were opened with the old password. */
    readonly resetAt: string,
    /** The admin who performed the reset (step 1): the actor of its follow-ups in the audit trail. */
    readonly performedBy: ActorRef,
    /** Sessions signed in with a credentials version below this one used the old password. */
    readonly credentialsVersion: number,
  ) {
    super();
  }
}

/** An admin changed a user's email address (addresses are not secrets; auditors need both). */
@DomainEventName('users.email_changed')
export class UserEmailChangedEvent extends DomainEvent {
  constructor(
    readonly userId: string,
    readonly targetUsername: string,
    readonly actor: ActorRef,
    readonly oldEmail: string | null,
    readonly newEmail: string | null,
  ) {
    super();
  }
}

/** An admin created a user. */
@DomainEventName('users.created')
export class UserCreatedEvent extends DomainEvent {
  constructor(
    readonly userId: string,
    readonly targetUsername: string,
    readonly actor: ActorRef | null,
    readonly type: string,
    readonly roles: string[],
  ) {
    super();
  }
}

/** A user chose a new password themselves; their other sessions end. */
@DomainEventName('users.password_changed')
export class UserPasswordChangedEvent extends DomainEvent {
  constructor(
    readonly userId: string,
    readonly username: string,
    /** The session the change was made from; it stays signed in. */
    readonly keepSessionId: string,
  ) {
    super();
  }
}
