import { ApiProperty } from '@nestjs/swagger';
import type { Actor } from '@app/core';
import { isDeliverableEmail } from './email-rule';
import { LOCALES, USER_TYPES } from './user.types';
import type { User } from './user.entity';

export class UserActionsView {
  @ApiProperty({ description: 'false on the caller\'s own account (the UI hides the button) or without the admin role' })
  resetPassword!: boolean;
}

/** The `User` of the contract. The IQAMA number itself never appears: only whether there is one and its last four digits. */
export class UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'fatima.k' }) username!: string;
  @ApiProperty({ example: 'Fatima K.' }) displayName!: string;
  @ApiProperty({ nullable: true, type: String, example: 'fatima@example.org' }) email!: string | null;
  @ApiProperty({ description: 'false when the email is missing or fails the same rule the API uses to accept emails' }) emailValid!: boolean;
  @ApiProperty({ enum: USER_TYPES }) type!: string;
  @ApiProperty({ type: [String], enum: ['admin', 'auditor'] }) roles!: string[];
  @ApiProperty({ enum: LOCALES }) locale!: string;
  @ApiProperty() hasIqama!: boolean;
  @ApiProperty({ nullable: true, type: String, example: '4567' }) iqamaLast4!: string | null;
  @ApiProperty() mustChangePassword!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: UserActionsView }) actions!: UserActionsView;
}

export function toUserView(user: User, viewer: Actor | undefined): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    emailValid: isDeliverableEmail(user.email),
    type: user.type,
    roles: [...user.roles],
    locale: user.locale,
    hasIqama: user.iqamaHash !== null,
    iqamaLast4: user.iqamaLast4,
    mustChangePassword: user.mustChangePassword,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    actions: { resetPassword: !!viewer && viewer.roles.includes('admin') && viewer.id !== user.id },
  };
}
