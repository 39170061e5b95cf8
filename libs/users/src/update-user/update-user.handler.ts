import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork, ValidationFailedError } from '@app/core';
import { UserEmailChangedEvent } from '../domain/users.events';
import { toUserView, UserView } from '../domain/user.view';
import { IqamaVault } from '../domain/iqama-vault';
import { assertUnique, findUserOr404 } from '../domain/user-lookup';
import { translateUniqueViolation } from '../domain/unique-violation';
import { UpdateUserCommand } from './update-user.command';

@CommandHandler(UpdateUserCommand)
export class UpdateUserHandler implements ICommandHandler<UpdateUserCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly iqama: IqamaVault,
  ) {}

  async execute({ actor, userId, changes }: UpdateUserCommand): Promise<UserView> {
    try {
      return await this.uow.run(async ({ em, raise }) => {
        const user = await findUserOr404(em, userId, { lock: true });
        if (changes.iqamaNumber && user.type !== 'parent') {
          throw new ValidationFailedError([{ field: 'iqamaNumber', message: 'is only allowed for parents' }]);
        }
        if (changes.displayName !== undefined) user.displayName = changes.displayName;
        if (changes.locale !== undefined) user.locale = changes.locale;
        if (changes.roles !== undefined) user.roles = changes.roles;
        if (changes.iqamaNumber !== undefined) {
          const hash = changes.iqamaNumber ? this.iqama.hashOf(changes.iqamaNumber) : null;
          if (hash !== user.iqamaHash) {
            await assertUnique(em, { iqamaHash: hash }, user.id);
            this.iqama.store(user, changes.iqamaNumber);
          }
        }
        if (changes.email !== undefined && changes.email !== user.email) {
          await assertUnique(em, { email: changes.email }, user.id);
          raise(new UserEmailChangedEvent(user.id, user.username, { id: actor.id, username: actor.username }, user.email, changes.email));
          user.email = changes.email;
        }
        user.updatedAt = new Date();
        return toUserView(user, actor);
      });
    } catch (error) {
      throw translateUniqueViolation(error);
    }
  }
}
