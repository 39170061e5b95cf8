import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Roles } from '@app/core';
import { UserView } from '../domain/user.view';
import { CreateUserDto } from './create-user.dto';
import { CreateUserCommand } from './create-user.command';

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class CreateUserController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: UserView, description: '409 USERNAME_TAKEN / EMAIL_TAKEN / IQAMA_TAKEN; 422 PASSWORD_TOO_WEAK / PASSWORD_TOO_LONG' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserDto): Promise<UserView> {
    return this.commands.execute(new CreateUserCommand(actor, body));
  }
}
