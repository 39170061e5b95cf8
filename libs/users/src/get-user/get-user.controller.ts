import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles, UuidParam } from '@app/core';
import { UserView } from '../domain/user.view';
import { GetUserQuery } from './get-user.query';

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class GetUserController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @ApiOkResponse({ type: UserView })
  get(@CurrentActor() actor: Actor, @Param('id', new UuidParam('The user')) id: string): Promise<UserView> {
    return this.queries.execute(new GetUserQuery(actor, id));
  }
}
