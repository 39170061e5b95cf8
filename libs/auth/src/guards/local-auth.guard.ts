import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { createValidationPipe } from '@app/core';
import { LoginDto } from '../login/login.dto';
import { AuthErrors } from '../auth.errors';

/** Guards run before pipes: the body is validated here so a malformed sign-in is a 400, not a 401. */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  private readonly validation = createValidationPipe();

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ body: unknown }>();
    request.body = await this.validation.transform(request.body, { type: 'body', metatype: LoginDto });
    return (await super.canActivate(context)) as boolean;
  }

  /**
   * passport-local refuses an empty password itself, before our strategy runs, and Nest would answer that
   * with a bare 401: it is a wrong password like any other, so it gets the same INVALID_CREDENTIALS body.
   */
  override handleRequest<T>(error: unknown, user: T | false): T {
    if (error) throw error;
    if (!user) throw AuthErrors.invalidCredentials();
    return user;
  }
}
