import { Body, Controller, Param, Patch } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles, UuidParam } from '@app/core';
import { UserView } from '../domain/user.view';
import { UpdateUserDto } from './update-user.dto';
import { UpdateUserCommand } from './update-user.command';

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UpdateUserController {
  constructor(private readonly commands: CommandBus) {}

  @Patch(':id')
  @ApiOkResponse({ type: UserView })
  update(@CurrentActor() actor: Actor, @Param('id', new UuidParam('The user')) id: string, @Body() body: UpdateUserDto): Promise<UserView> {
    return this.commands.execute(new UpdateUserCommand(actor, id, body));
  }
}
