import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, RequestContext } from '@app/core';
import { AuthenticatedUser, GetUserAuthStateQuery } from '@app/users';
import { OpenSessionCommand, RotateRefreshTokenCommand, unauthenticated } from '@app/sessions';
import { LocalAuthGuard } from '../guards/local-auth.guard';
import { LoginDto, RefreshDto } from './login.dto';
import { AuthSessionView } from './auth-session.view';
import { SessionIssuer } from './session-issuer';
import { LoginThrottle } from '../login-throttle/login-throttle';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly issuer: SessionIssuer,
    private readonly throttle: LoginThrottle,
  ) {}

  @Public()
  @UseGuards(LocalAuthGuard)
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in', description: '401 INVALID_CREDENTIALS (same for unknown login and wrong password), 401 PASSWORD_EXPIRED, 429 with Retry-After after repeated failures for the account or the address.' })
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: AuthSessionView })
  async login(@Req() request: { user: AuthenticatedUser }): Promise<AuthSessionView> {
    const context = RequestContext.current();
    const session = await this.commands.execute(new OpenSessionCommand(request.user.id, context?.ip ?? null, context?.userAgent ?? null, request.user.credentialsVersion));
    return this.issuer.issue(request.user, session.sessionId, session.refreshToken);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Trade a refresh token for a new pair', description: 'The old refresh token stops working; presenting it again revokes the whole session. 401 UNAUTHENTICATED otherwise. A successful refresh is the owner signing in from a session they already hold: it clears the account\'s sign-in lock (failed sign-ins by others cannot keep them out). It is not subject to that lock.' })
  @ApiOkResponse({ type: AuthSessionView })
  async refresh(@Body() body: RefreshDto): Promise<AuthSessionView> {
    const rotated = await this.commands.execute(new RotateRefreshTokenCommand(body.refreshToken));
    const user = await this.queries.execute(new GetUserAuthStateQuery(rotated.userId));
    if (!user) throw unauthenticated();
    await this.throttle.clearAccount(user.id);
    return this.issuer.issue(user, rotated.sessionId, rotated.refreshToken);
  }
}
