import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { AUDIT_ACTIONS } from '../domain/audit-actions';
import { AuditFilterQueryDto } from '../http/audit-filter.dto';
import { SUMMARY_GROUPINGS, SummaryGrouping } from './audit-summary.query';

export class AuditSummaryQueryDto extends AuditFilterQueryDto {
  @ApiPropertyOptional({ enum: SUMMARY_GROUPINGS, default: 'action', description: 'What to count by. Days are UTC days.' })
  @IsOptional()
  @IsIn(SUMMARY_GROUPINGS)
  groupBy?: SummaryGrouping;
}

export class AuditSummaryItemDto {
  @ApiProperty({ type: String, nullable: true, description: "groupBy=actor: the actor's id (null for the system); day: YYYY-MM-DD; action: the action." })
  key!: string | null;

  @ApiProperty({ type: String, nullable: true, description: "groupBy=actor: the actor's username; otherwise the key." })
  label!: string | null;

  @ApiProperty({ example: 42 })
  count!: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: `The count split by action (${AUDIT_ACTIONS.join(', ')}); actions with no events are left out.`,
    example: { 'password_reset.performed': 30, 'password_reset.email_failed': 2 },
  })
  actions!: Record<string, number>;
}

export class AuditSummaryDto {
  @ApiProperty({ enum: SUMMARY_GROUPINGS })
  groupBy!: SummaryGrouping;

  @ApiProperty({ type: String, nullable: true, description: 'The window, as UTC instants; null when open.' })
  from!: string | null;

  @ApiProperty({ type: String, nullable: true })
  to!: string | null;

  @ApiProperty({ description: 'Events counted.' })
  total!: number;

  @ApiProperty({ type: [AuditSummaryItemDto], description: 'Days oldest first; actors and actions busiest first.' })
  items!: AuditSummaryItemDto[];
}
