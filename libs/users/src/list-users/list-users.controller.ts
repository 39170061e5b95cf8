import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@app/core';
import { ListUsersQueryDto } from './list-users.dto';
import { ListUsersQuery, UserPage } from './list-users.query';

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class ListUsersController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOkResponse({ description: '{ items: [User], nextCursor: string | null }, ordered by username' })
  list(@CurrentActor() actor: Actor, @Query() filter: ListUsersQueryDto): Promise<UserPage> {
    return this.queries.execute(new ListUsersQuery(actor, filter));
  }
}
