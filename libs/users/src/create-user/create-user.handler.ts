import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork, ValidationFailedError } from '@app/core';
import { User } from '../domain/user.entity';
import { UserCreatedEvent } from '../domain/users.events';
import { toUserView, UserView } from '../domain/user.view';
import { assertAcceptablePassword } from '../domain/password-policy';
import { PasswordHasher } from '../domain/password-hasher';
import { IqamaVault } from '../domain/iqama-vault';
import { assertUnique } from '../domain/user-lookup';
import { translateUniqueViolation } from '../domain/unique-violation';
import { CreateUserCommand } from './create-user.command';

@CommandHandler(CreateUserCommand)
export class CreateUserHandler implements ICommandHandler<CreateUserCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly hasher: PasswordHasher,
    private readonly iqama: IqamaVault,
  ) {}

  async execute({ actor, fields }: CreateUserCommand): Promise<UserView> {
    if (fields.iqamaNumber && fields.type !== 'parent') {
      throw new ValidationFailedError([{ field: 'iqamaNumber', message: 'is only allowed for parents' }]);
    }
    if (fields.password !== undefined) {
      assertAcceptablePassword(fields.password, { username: fields.username, email: fields.email, displayName: fields.displayName });
    }
    const passwordHash = fields.password !== undefined ? await this.hasher.hash(fields.password) : null;
    try {
      return await this.uow.run(async ({ em, raise }) => {
        const user = new User();
        user.username = fields.username;
        user.displayName = fields.displayName;
        user.email = fields.email ?? null;
        user.type = fields.type;
        user.roles = fields.roles ?? [];
        user.locale = fields.locale ?? 'en';
        this.iqama.store(user, fields.iqamaNumber ?? null);
        // An admin-chosen password is known to the admin: the user must replace it at first sign-in.
        user.passwordHash = passwordHash;
        user.mustChangePassword = passwordHash !== null;
        await assertUnique(em, { username: user.username, email: user.email, iqamaHash: user.iqamaHash });
        em.persist(user);
        raise(new UserCreatedEvent(user.id, user.username, { id: actor.id, username: actor.username }, user.type, user.roles));
        return toUserView(user, actor);
      });
    } catch (error) {
      throw translateUniqueViolation(error);
    }
  }
}
