import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { User } from './domain/user.entity';
import { PasswordReset } from './domain/password-reset.entity';
import { PasswordHasher } from './domain/password-hasher';
import { IqamaVault } from './domain/iqama-vault';
import { PendingPassword } from './domain/pending-password';
import { CreateUserController } from './create-user/create-user.controller';
import { CreateUserHandler } from './create-user/create-user.handler';
import { UpdateUserController } from './update-user/update-user.controller';
import { UpdateUserHandler } from './update-user/update-user.handler';
import { ListUsersController } from './list-users/list-users.controller';
import { ListUsersHandler } from './list-users/list-users.handler';
import { GetUserController } from './get-user/get-user.controller';
import { GetUserHandler } from './get-user/get-user.handler';
import { ResetPasswordController } from './reset-password/reset-password.controller';
import { ResetPasswordHandler } from './reset-password/reset-password.handler';
import { CompletePasswordResetController } from './complete-password-reset/complete-password-reset.controller';
import { CompletePasswordResetHandler } from './complete-password-reset/complete-password-reset.handler';
import { PasswordResetsController } from './password-resets/password-resets.controller';
import { GetPasswordResetHandler, ListPasswordResetsHandler } from './password-resets/password-resets.handlers';
import { AuthenticateUserHandler, GetUserAuthStateHandler, ResolveLoginHandler } from './authenticate-user/authenticate-user.handlers';
import { ChangeOwnPasswordHandler } from './change-own-password/change-own-password.handler';
import { GetPasswordResetEmailHandler } from './pending-passwords/password-reset-email.handler';
import { DiscardPendingPasswordHandler } from './pending-passwords/discard-pending-password.handler';
import { PendingPasswordPurge } from './pending-passwords/pending-password-purge';
import { DemoAccounts } from './seed/demo-accounts';

@Module({
  imports: [MikroOrmModule.forFeature([User, PasswordReset])],
  controllers: [
    ListUsersController,
    CreateUserController,
    GetUserController,
    UpdateUserController,
    ResetPasswordController,
    CompletePasswordResetController,
    PasswordResetsController,
  ],
  providers: [
    PasswordHasher,
    IqamaVault,
    PendingPassword,
    CreateUserHandler,
    UpdateUserHandler,
    ListUsersHandler,
    GetUserHandler,
    ResetPasswordHandler,
    CompletePasswordResetHandler,
    GetPasswordResetHandler,
    ListPasswordResetsHandler,
    ResolveLoginHandler,
    AuthenticateUserHandler,
    GetUserAuthStateHandler,
    ChangeOwnPasswordHandler,
    GetPasswordResetEmailHandler,
    DiscardPendingPasswordHandler,
    PendingPasswordPurge,
    DemoAccounts,
  ],
  exports: [DemoAccounts, PendingPasswordPurge],
})
export class UsersModule {}
