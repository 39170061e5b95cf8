import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ALLOWED_WHILE_PASSWORD_CHANGE_REQUIRED, RequestContext } from '@app/core';
import { AuthErrors } from '../auth.errors';

/** While mustChangePassword holds, only the routes marked @AllowWhilePasswordChangeRequired() answer. Checked before roles. */
@Injectable()
export class PasswordChangeGate implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const actor = RequestContext.current()?.actor;
    if (!actor?.mustChangePassword) return true;
    if (this.reflector.getAllAndOverride<boolean>(ALLOWED_WHILE_PASSWORD_CHANGE_REQUIRED, [context.getHandler(), context.getClass()])) return true;
    throw AuthErrors.passwordChangeRequired();
  }
}
