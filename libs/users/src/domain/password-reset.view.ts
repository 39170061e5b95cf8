import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { isDeliverableEmail } from './email-rule';
import type { PasswordReset } from './password-reset.entity';
import type { ResetStatus } from './user.types';
import type { User } from './user.entity';
import type { EmailDeliveryStatus } from '../queries/email-delivery.query';

export class ActorRefView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
}

export class ResetEmailTargetView {
  @ApiProperty({ nullable: true, type: String, description: 'the address on the user\'s record (where the email would go)' }) address!: string | null;
  @ApiProperty() valid!: boolean;
}

/** 201 of POST /users/:id/password-resets: the only response that ever carries the new password. */
export class PasswordResetCreatedView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ enum: ['pending'] }) status!: 'pending';
  @ApiProperty({ enum: ['random', 'iqama'] }) method!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the new password, returned once; null for the iqama method' }) password!: string | null;
  @ApiProperty() requirePasswordChange!: boolean;
  @ApiProperty({ type: ResetEmailTargetView }) email!: ResetEmailTargetView;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) completeBy!: string;
  @ApiProperty({ format: 'date-time' }) passwordExpiresAt!: string;
  @ApiProperty({ type: ActorRefView }) performedBy!: ActorRefView;
}

export class ResetEmailStatusView extends ResetEmailTargetView {
  @ApiProperty({ enum: ['not_requested', 'queued', 'sending', 'sent', 'failed'] }) delivery!: string;
  @ApiProperty({ description: 'every SMTP try' }) attempts!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) sentAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
}

/** The `PasswordReset` of the contract. While pending, the toggles are not decided yet and read null. */
export class PasswordResetView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ enum: ['pending', 'completed', 'superseded', 'expired'], description: 'a pending reset reads expired once completeBy has passed' }) status!: ResetStatus;
  @ApiProperty({ enum: ['random', 'iqama'] }) method!: string;
  @ApiProperty() requirePasswordChange!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) completeBy!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) completedAt!: string | null;
  @ApiProperty({ type: ActorRefView }) performedBy!: ActorRefView;
  @ApiPropertyOptional({ nullable: true, type: Boolean, description: 'null until completed' }) sendEmail!: boolean | null;
  @ApiPropertyOptional({ nullable: true, type: Boolean, description: 'null until completed' }) logoutSessions!: boolean | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: '0 when logoutSessions is false; null until completed' }) sessionsRevoked!: number | null;
  @ApiProperty({ type: ResetEmailStatusView }) email!: ResetEmailStatusView;
}

export function statusOf(reset: PasswordReset, now: Date): ResetStatus {
  return reset.status === 'pending' && now.getTime() > reset.completeBy.getTime() ? 'expired' : reset.status;
}

export function toCreatedView(reset: PasswordReset, user: User, password: string | null): PasswordResetCreatedView {
  return {
    id: reset.id,
    userId: reset.userId,
    status: 'pending',
    method: reset.method,
    password,
    requirePasswordChange: reset.requirePasswordChange,
    email: { address: user.email, valid: isDeliverableEmail(user.email) },
    createdAt: reset.createdAt.toISOString(),
    completeBy: reset.completeBy.toISOString(),
    passwordExpiresAt: reset.passwordExpiresAt.toISOString(),
    performedBy: { id: reset.performedById, username: reset.performedByUsername },
  };
}

export function toResetView(
  reset: PasswordReset,
  user: User,
  now: Date,
  followUps: { sessionsRevoked: number | null; delivery: EmailDeliveryStatus | null },
): PasswordResetView {
  const emailed = reset.status === 'completed' && reset.sendEmail === true;
  const address = emailed ? reset.emailAddress : user.email;
  return {
    id: reset.id,
    userId: reset.userId,
    status: statusOf(reset, now),
    method: reset.method,
    requirePasswordChange: reset.requirePasswordChange,
    createdAt: reset.createdAt.toISOString(),
    completeBy: reset.completeBy.toISOString(),
    completedAt: reset.completedAt?.toISOString() ?? null,
    performedBy: { id: reset.performedById, username: reset.performedByUsername },
    sendEmail: reset.sendEmail,
    logoutSessions: reset.logoutSessions,
    sessionsRevoked: reset.status !== 'completed' ? null : reset.logoutSessions ? followUps.sessionsRevoked ?? 0 : 0,
    email: {
      address,
      valid: isDeliverableEmail(address),
      delivery: emailed ? followUps.delivery?.delivery ?? 'queued' : 'not_requested',
      attempts: emailed ? followUps.delivery?.attempts ?? 0 : 0,
      sentAt: emailed ? followUps.delivery?.sentAt ?? null : null,
      lastError: emailed ? followUps.delivery?.lastError ?? null : null,
    },
  };
}
