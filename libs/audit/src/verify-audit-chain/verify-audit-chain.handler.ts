import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { PoolClient } from 'pg';
import { AuditDatabase } from '../infrastructure/audit-database';
import { firstSeqAtOrAfter, SqlParameters } from '../infrastructure/audit-filter.sql';
import { AuditChainVerdict, VerifyAuditChainQuery } from './verify-audit-chain.query';

interface SeqRange {
  lo: string;
  hi: string;
}

/*
 * Two checks over the window's seq range, in one snapshot:
 * - every row's hash is recomputed with audit_event_hash, the function the recorder inserted with (this
 *   query has no order, so PostgreSQL can spread it over parallel workers);
 * - every row's prev_hash must be the hash of the row before it (for the window's first row, the row
 *   just before the window; for the very first row, 32 zero bytes). A row altered, inserted out of turn
 *   or deleted breaks one of the two.
 */
const RECOMPUTE = `
  select count(*)::text as checked,
         min(seq) filter (where hash is distinct from audit_event_hash(prev_hash, seq, id, occurred_at, action,
                          actor_id, actor_username, target_id, target_username, ip, user_agent, request_id,
                          correlation_id, event_id, details))::text as first_bad
    from audit_event
   where seq >= $1::bigint and seq < $2::bigint`;

const LINKS = `
  select min(seq)::text as first_bad
    from (select seq, prev_hash, lag(hash) over (order by seq) as previous
            from audit_event
           where seq >= coalesce((select max(seq) from audit_event where seq < $1::bigint), $1::bigint)
             and seq < $2::bigint) chained
   where seq >= $1::bigint
     and prev_hash is distinct from coalesce(previous, decode(repeat('00', 32), 'hex'))`;

@QueryHandler(VerifyAuditChainQuery)
export class VerifyAuditChainHandler implements IQueryHandler<VerifyAuditChainQuery, AuditChainVerdict> {
  constructor(private readonly database: AuditDatabase) {}

  async execute({ window }: VerifyAuditChainQuery): Promise<AuditChainVerdict> {
    const client = await this.database.connect();
    let failed = false;
    try {
      await client.query('begin isolation level repeatable read read only');
      const range = await seqRange(client, window);
      const [recomputed] = (await client.query<{ checked: string; first_bad: string | null }>(RECOMPUTE, [range.lo, range.hi])).rows;
      const [links] = (await client.query<{ first_bad: string | null }>(LINKS, [range.lo, range.hi])).rows;
      await client.query('commit');
      const bad = [recomputed.first_bad, links.first_bad].filter((seq): seq is string => seq !== null).map(Number);
      const firstInvalidSeq = bad.length > 0 ? Math.min(...bad) : null;
      return { valid: firstInvalidSeq === null, checked: Number(recomputed.checked), firstInvalidSeq };
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      client.release(failed || undefined);
    }
  }
}

async function seqRange(client: PoolClient, window: VerifyAuditChainQuery['window']): Promise<SeqRange> {
  const params = new SqlParameters();
  const lo = window.from ? firstSeqAtOrAfter(params.add(window.from)) : `0::bigint`;
  const hi = window.to ? firstSeqAtOrAfter(params.add(window.to)) : `9223372036854775807::bigint`;
  const [range] = (await client.query<SeqRange>(`select (${lo})::text as lo, (${hi})::text as hi`, params.values)).rows;
  return range;
}
