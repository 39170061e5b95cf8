import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { REQUIRED_ROLES, RequestContext, Role } from '@app/core';
import { AuthErrors } from '../auth.errors';

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, [context.getHandler(), context.getClass()]);
    if (!required || required.length === 0) return true;
    const roles = RequestContext.current()?.actor?.roles ?? [];
    if (required.some((role) => roles.includes(role))) return true;
    throw AuthErrors.forbidden();
  }
}
