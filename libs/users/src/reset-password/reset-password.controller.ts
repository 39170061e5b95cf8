import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles, ValidationFailedError, UuidParam } from '@app/core';
import { PasswordResetCreatedView } from '../domain/password-reset.view';
import { ResetPasswordDto } from './reset-password.dto';
import { ResetPasswordCommand } from './reset-password.command';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

@ApiTags('password resets')
@ApiBearerAuth()
@Roles('admin')
@Controller('users/:id/password-resets')
export class ResetPasswordController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Reset a user\'s password (step 1: "Yes" in the confirmation popup)',
    description:
      'Random password for every type but parents; a parent\'s password becomes their IQAMA number. The password is returned here once. ' +
      '403 SELF_RESET_FORBIDDEN, 404, 422 IQAMA_MISSING, 429 (per admin), 409 IDEMPOTENCY_KEY_REUSED, 422 IDEMPOTENCY_KEY_MISMATCH. ' +
      'A body of JSON null is 400; no body means the defaults.',
  })
  @ApiHeader({ name: 'idempotency-key', required: false, description: '1-255 visible ASCII characters; scoped to the calling admin' })
  @ApiCreatedResponse({ type: PasswordResetCreatedView })
  reset(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParam('The user')) userId: string,
    @Body() body: ResetPasswordDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<PasswordResetCreatedView> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new ValidationFailedError([{ field: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters' }]);
    }
    return this.commands.execute(new ResetPasswordCommand(actor, userId, body, idempotencyKey ?? null));
  }
}
