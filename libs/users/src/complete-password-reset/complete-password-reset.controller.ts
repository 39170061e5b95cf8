import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles, UuidParam } from '@app/core';
import { PasswordResetView } from '../domain/password-reset.view';
import { CompletePasswordResetDto } from './complete-password-reset.dto';
import { CompletePasswordResetCommand } from './complete-password-reset.command';

@ApiTags('password resets')
@ApiBearerAuth()
@Roles('admin')
@Controller('users/:id/password-resets')
export class CompletePasswordResetController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':resetId/complete')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Apply the toggles (step 2: "Confirm"; "Close" sends both false)',
    description:
      'Returns after every session opened before the reset is revoked (logoutSessions). 422 EMAIL_MISSING / EMAIL_INVALID (nothing changes, ' +
      'the reset stays pending), 409 RESET_ALREADY_COMPLETED, 409 RESET_SUPERSEDED, 410 RESET_EXPIRED. ' +
      '503 DELIVERY_PENDING (with Retry-After): the completion IS saved but its follow-up (revoking sessions, queueing the email) ' +
      'could not finish in time, e.g. during a database outage; it finishes by itself shortly. Re-read the reset with GET rather than completing again.',
  })
  @ApiOkResponse({ type: PasswordResetView })
  complete(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParam('The user')) userId: string,
    @Param('resetId', new UuidParam('The password reset')) resetId: string,
    @Body() body: CompletePasswordResetDto,
  ): Promise<PasswordResetView> {
    return this.commands.execute(new CompletePasswordResetCommand(actor, userId, resetId, body.sendEmail, body.logoutSessions));
  }
}
