import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, AllowWhilePasswordChangeRequired, CurrentActor, DomainError, RequestContext } from '@app/core';
import { ChangeOwnPasswordCommand, GetUserQuery, UpdateUserCommand, UserView } from '@app/users';
import { ListActiveSessionsQuery, RevokeSessionCommand, SessionView } from '@app/sessions';
import { LoginThrottle } from '../login-throttle/login-throttle';
import { ChangePasswordDto, UpdateOwnProfileDto } from './me.dto';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth')
export class MeController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly throttle: LoginThrottle,
  ) {}

  @Get('me')
  @AllowWhilePasswordChangeRequired()
  @ApiOkResponse({ type: UserView })
  me(@CurrentActor() actor: Actor): Promise<UserView> {
    return this.queries.execute(new GetUserQuery(actor, actor.id));
  }

  @Patch('me')
  @ApiOkResponse({ type: UserView })
  updateProfile(@CurrentActor() actor: Actor, @Body() body: UpdateOwnProfileDto): Promise<UserView> {
    return this.commands.execute(new UpdateUserCommand(actor, actor.id, body));
  }

  @Post('logout')
  @HttpCode(204)
  @AllowWhilePasswordChangeRequired()
  @ApiNoContentResponse({ description: 'the current session ends' })
  async logout(@CurrentActor() actor: Actor): Promise<void> {
    await this.commands.execute(new RevokeSessionCommand(actor.sessionId));
  }

  @Post('change-password')
  @HttpCode(204)
  @AllowWhilePasswordChangeRequired()
  @ApiOperation({
    summary: 'Change one\'s own password',
    description: 'Clears mustChangePassword at once and ends the caller\'s other sessions. 422 CURRENT_PASSWORD_INCORRECT (counts as a failed sign-in), PASSWORD_TOO_WEAK, PASSWORD_TOO_LONG.',
  })
  @ApiNoContentResponse()
  async changePassword(@CurrentActor() actor: Actor, @Body() body: ChangePasswordDto): Promise<void> {
    const attempt = await this.throttle.begin(actor.id, RequestContext.current()?.ip ?? null);
    try {
      await this.commands.execute(new ChangeOwnPasswordCommand(actor, body.currentPassword, body.newPassword));
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'CURRENT_PASSWORD_INCORRECT')) await attempt.succeeded();
      throw error;
    }
    await attempt.succeeded();
  }

  @Get('sessions')
  @ApiOkResponse({ type: [SessionView], description: 'the caller\'s own active sessions' })
  sessions(@CurrentActor() actor: Actor): Promise<SessionView[]> {
    return this.queries.execute(new ListActiveSessionsQuery(actor.id, actor.sessionId));
  }
}
