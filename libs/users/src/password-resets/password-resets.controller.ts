import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles, UuidParam } from '@app/core';
import { PasswordResetView } from '../domain/password-reset.view';
import { GetPasswordResetQuery, ListPasswordResetsQuery } from './password-resets.queries';

@ApiTags('password resets')
@ApiBearerAuth()
@Roles('admin')
@Controller('users/:id/password-resets')
export class PasswordResetsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOkResponse({ type: [PasswordResetView], description: 'newest first (at most 100)' })
  list(@Param('id', new UuidParam('The user')) userId: string): Promise<PasswordResetView[]> {
    return this.queries.execute(new ListPasswordResetsQuery(userId));
  }

  @Get(':resetId')
  @ApiOkResponse({ type: PasswordResetView })
  get(
    @Param('id', new UuidParam('The user')) userId: string,
    @Param('resetId', new UuidParam('The password reset')) resetId: string,
  ): Promise<PasswordResetView> {
    return this.queries.execute(new GetPasswordResetQuery(userId, resetId));
  }
}
