import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { OnEventInTransaction, TransactionalHandler } from '@app/core';
import { PasswordResetEvent } from '@app/users';
import { LoginThrottle } from './login-throttle';

/** "A reset also clears the account's sign-in lock": the user can sign in with the new password at once. */
@Injectable()
@OnEventInTransaction(PasswordResetEvent)
export class ClearLoginLockOnReset implements TransactionalHandler<PasswordResetEvent> {
  constructor(private readonly throttle: LoginThrottle) {}

  handle(event: PasswordResetEvent, em: EntityManager): Promise<void> {
    return this.throttle.clearAccount(event.userId, em);
  }
}
