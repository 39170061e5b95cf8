import { ApiProperty } from '@nestjs/swagger';
import { AuditWindowQueryDto } from '../http/audit-filter.dto';

export class VerifyAuditChainQueryDto extends AuditWindowQueryDto {}

export class AuditChainVerdictDto {
  @ApiProperty({ description: 'True when every checked event matches its hash and its predecessor.' })
  valid!: boolean;

  @ApiProperty({ description: 'Number of events whose hash was recomputed.', example: 1000000 })
  checked!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'The first event (by seq) that does not match; null when valid.', example: null })
  firstInvalidSeq!: number | null;
}
