import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles, UuidParam } from '@app/core';
import { GetUserQuery } from '@app/users';
import { SessionView } from '../domain/session.view';
import { ListActiveSessionsQuery } from './list-sessions.query';

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UserSessionsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/sessions')
  @ApiOkResponse({ type: [SessionView], description: "the user's active sessions; 404 for an unknown user" })
  async list(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParam('The user')) userId: string,
  ): Promise<SessionView[]> {
    await this.queries.execute(new GetUserQuery(actor, userId)); // 404 for an unknown user
    return this.queries.execute(new ListActiveSessionsQuery(userId, actor.sessionId));
  }
}
