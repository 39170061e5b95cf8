import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsOptional, Matches } from 'class-validator';
import { AUDIT_ACTIONS, AuditAction } from '../domain/audit-actions';
import { normalizeIsoInstant } from '../domain/iso-instant';
import type { AuditFilter } from '../infrastructure/audit-filter.sql';
import { IsIsoInstant, NotLaterThan, toArray } from './audit-query.validators';

/** Any UUID PostgreSQL stores (as core's UuidParam): ids are matched, not minted, so their version is not checked. */
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `from`/`to`: the time window every audit report takes. */
export class AuditWindowQueryDto {
  @ApiPropertyOptional({
    description: 'Inclusive lower bound: an ISO 8601 date (midnight UTC) or date-time with a zone.',
    example: '2026-12-01T00:00:00Z',
  })
  @IsOptional()
  @IsIsoInstant()
  @NotLaterThan('to')
  from?: string;

  @ApiPropertyOptional({ description: 'Exclusive upper bound, in the same form as `from`.', example: '2026-12-02T00:00:00Z' })
  @IsOptional()
  @IsIsoInstant()
  to?: string;
}

/** The row filters shared by the list, the CSV export and the summary. */
export class AuditFilterQueryDto extends AuditWindowQueryDto {
  @ApiPropertyOptional({ description: 'Repeatable: rows with any of these actions.', enum: AUDIT_ACTIONS, isArray: true })
  @IsOptional()
  @Transform(toArray)
  @ArrayMaxSize(AUDIT_ACTIONS.length * 2)
  @IsIn(AUDIT_ACTIONS, { each: true, message: `must be one of ${AUDIT_ACTIONS.join(', ')}` })
  action?: AuditAction[];

  @ApiPropertyOptional({ description: 'Who acted (a user id).', format: 'uuid' })
  @IsOptional()
  @Matches(UUID_SHAPE, { message: 'must be a UUID' })
  actorId?: string;

  @ApiPropertyOptional({ description: 'Whom it concerned (a user id).', format: 'uuid' })
  @IsOptional()
  @Matches(UUID_SHAPE, { message: 'must be a UUID' })
  targetId?: string;

  @ApiPropertyOptional({ description: 'The operation it belongs to: for password resets, the reset id.', format: 'uuid' })
  @IsOptional()
  @Matches(UUID_SHAPE, { message: 'must be a UUID' })
  correlationId?: string;
}

export function windowOf(query: AuditWindowQueryDto): Pick<AuditFilter, 'from' | 'to'> {
  return {
    from: query.from === undefined ? undefined : (normalizeIsoInstant(query.from) ?? undefined),
    to: query.to === undefined ? undefined : (normalizeIsoInstant(query.to) ?? undefined),
  };
}

export function filterOf(query: AuditFilterQueryDto): AuditFilter {
  return {
    ...windowOf(query),
    actions: query.action ? [...new Set(query.action)] : undefined,
    actorId: query.actorId,
    targetId: query.targetId,
    correlationId: query.correlationId,
  };
}
