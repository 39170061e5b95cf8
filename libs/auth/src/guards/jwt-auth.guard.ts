import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { IS_PUBLIC } from '@app/core';
import { unauthenticated } from '@app/sessions';

/** Global: every route needs a valid access token of an active session, unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    return super.canActivate(context);
  }

  /** A database outage is not "unauthenticated": let it surface as a 503. */
  override handleRequest<T>(error: unknown, actor: T | false): T {
    if (error) throw error;
    if (!actor) throw unauthenticated();
    return actor;
  }
}
