import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AccessTokens } from './tokens/access-tokens';
import { JwtStrategy } from './strategies/jwt.strategy';
import { LocalStrategy } from './strategies/local.strategy';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { PasswordChangeGate } from './guards/password-change.gate';
import { RolesGuard } from './guards/roles.guard';
import { LoginThrottle } from './login-throttle/login-throttle';
import { ClearLoginLockOnReset } from './login-throttle/clear-login-lock.handler';
import { SessionIssuer } from './login/session-issuer';
import { AuthController } from './login/auth.controller';
import { MeController } from './me/me.controller';

@Module({
  imports: [PassportModule, JwtModule.register({})],
  controllers: [AuthController, MeController],
  providers: [
    AccessTokens,
    JwtStrategy,
    LocalStrategy,
    LoginThrottle,
    ClearLoginLockOnReset,
    SessionIssuer,
    // Order matters: who you are, then whether you must change your password first, then your roles.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: PasswordChangeGate },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
})
export class AuthModule {}
