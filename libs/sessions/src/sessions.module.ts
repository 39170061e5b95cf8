import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Session } from './domain/session.entity';
import { OpenSessionHandler } from './open-session/open-session.handler';
import { RotateRefreshTokenHandler } from './rotate-refresh-token/rotate-refresh-token.handler';
import { RevokeSessionHandler } from './revoke-session/revoke-session.handler';
import { RevokeUserSessionsHandler } from './revoke-user-sessions/revoke-user-sessions.handler';
import { RevokeUserSessionsSaga } from './revoke-user-sessions/revoke-user-sessions.saga';
import { GetActiveSessionHandler } from './active-session/active-session.handler';
import { CountSessionsRevokedByResetHandler, ListActiveSessionsHandler } from './list-sessions/list-sessions.handlers';
import { UserSessionsController } from './list-sessions/user-sessions.controller';

@Module({
  imports: [MikroOrmModule.forFeature([Session])],
  controllers: [UserSessionsController],
  providers: [
    OpenSessionHandler,
    RotateRefreshTokenHandler,
    RevokeSessionHandler,
    RevokeUserSessionsHandler,
    RevokeUserSessionsSaga,
    GetActiveSessionHandler,
    ListActiveSessionsHandler,
    CountSessionsRevokedByResetHandler,
  ],
})
export class SessionsModule {}
