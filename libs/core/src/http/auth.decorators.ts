import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Actor, RequestContext } from '../context/request-context';

export type Role = 'admin' | 'auditor';
export const ROLES: readonly Role[] = ['admin', 'auditor'];

export const IS_PUBLIC = 'custodian:public';
export const REQUIRED_ROLES = 'custodian:roles';
export const ALLOWED_WHILE_PASSWORD_CHANGE_REQUIRED = 'custodian:allow-while-password-change-required';

/** No access token needed. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** The caller needs at least one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);
/** Reachable while the caller still has to change a temporary password. */
export const AllowWhilePasswordChangeRequired = () => SetMetadata(ALLOWED_WHILE_PASSWORD_CHANGE_REQUIRED, true);

/** The signed-in caller, as the auth guard established it. */
export const CurrentActor = createParamDecorator((_data: unknown, _ctx: ExecutionContext): Actor => {
  const actor = RequestContext.current()?.actor;
  if (!actor) throw new Error('CurrentActor used on a public route');
  return actor;
});
