import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { MikroORM } from '@mikro-orm/postgresql';
import { UnitOfWork } from '@app/core';
import { PasswordHasher } from '../domain/password-hasher';
import { assertAcceptablePassword } from '../domain/password-policy';
import { findUserOr404 } from '../domain/user-lookup';
import { UserErrors } from '../domain/users.errors';
import { UserPasswordChangedEvent } from '../domain/users.events';
import { ChangeOwnPasswordCommand } from './change-own-password.command';

@CommandHandler(ChangeOwnPasswordCommand)
export class ChangeOwnPasswordHandler implements ICommandHandler<ChangeOwnPasswordCommand> {
  constructor(
    private readonly orm: MikroORM,
    private readonly uow: UnitOfWork,
    private readonly hasher: PasswordHasher,
  ) {}

  async execute({ actor, currentPassword, newPassword }: ChangeOwnPasswordCommand): Promise<void> {
    const user = await findUserOr404(this.orm.em.fork(), actor.id);
    // Length rules first (the contract's order), then the current password, then strength.
    assertAcceptablePassword.lengthOnly(newPassword);
    if (!(await this.hasher.verify(currentPassword, user.passwordHash))) throw UserErrors.currentPasswordIncorrect();
    if (newPassword === currentPassword) throw UserErrors.samePassword();
    assertAcceptablePassword(newPassword, { username: user.username, email: user.email, displayName: user.displayName });
    const passwordHash = await this.hasher.hash(newPassword);
    // awaitDelivery: the caller's other sessions are gone when the 204 arrives.
    await this.uow.run(
      async ({ em, raise }) => {
        const locked = await findUserOr404(em, actor.id, { lock: true });
        locked.passwordHash = passwordHash;
        locked.passwordExpiresAt = null;
        locked.mustChangePassword = false;
        locked.credentialsVersion += 1;
        locked.updatedAt = new Date();
        raise(new UserPasswordChangedEvent(locked.id, locked.username, actor.sessionId));
      },
      { awaitDelivery: true },
    );
  }
}
