import { Controller, Get, Header, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/core';
import { filterOf } from '../http/audit-filter.dto';
import { AuditSummaryDto, AuditSummaryQueryDto } from './audit-summary.dto';
import { AuditSummary, GetAuditSummaryQuery } from './audit-summary.query';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor', 'admin')
@Controller('audit')
export class AuditSummaryController {
  constructor(private readonly queries: QueryBus) {}

  @Get('summary')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Event counts for the auditor dashboard',
    description:
      'Counts of the events matching the filters, grouped by actor, UTC day or action, each split by action. ' +
      'Resets per admin per day: groupBy=day&action=password_reset.performed&actorId=<admin>, or groupBy=actor with a one-day window. ' +
      'Failed emails: groupBy=day&action=password_reset.email_failed.',
  })
  @ApiOkResponse({ type: AuditSummaryDto })
  summary(@Query() query: AuditSummaryQueryDto): Promise<AuditSummary> {
    return this.queries.execute(new GetAuditSummaryQuery(filterOf(query), query.groupBy ?? 'action'));
  }
}
