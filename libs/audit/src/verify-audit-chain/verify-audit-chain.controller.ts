import { Controller, Get, Header, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/core';
import { windowOf } from '../http/audit-filter.dto';
import { AuditChainVerdictDto, VerifyAuditChainQueryDto } from './verify-audit-chain.dto';
import { AuditChainVerdict, VerifyAuditChainQuery } from './verify-audit-chain.query';

@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor', 'admin')
@Controller('audit')
export class VerifyAuditChainController {
  constructor(private readonly queries: QueryBus) {}

  @Get('verify')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Recompute the hash chain',
    description:
      'Recomputes the hash of every event in the window (all of them without from/to) and checks that each one chains to ' +
      'the event before it, so an event altered, removed or inserted behind the API is found. The newest event is only ' +
      'as safe as the copy of its hash kept elsewhere.',
  })
  @ApiOkResponse({ type: AuditChainVerdictDto })
  verify(@Query() query: VerifyAuditChainQueryDto): Promise<AuditChainVerdict> {
    return this.queries.execute(new VerifyAuditChainQuery(windowOf(query)));
  }
}
