import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { RAW_TEXT } from '../infrastructure/audit-database';
import { AUDIT_CSV_HEADER, csvRecord } from './audit-csv';

const BATCH_ROWS = 2000;
const CURSOR = 'audit_export';

/**
 * CSV read from a server-side cursor as the client takes it: the next batch is fetched only when the
 * socket has drained the previous one (Readable back-pressure), so memory stays flat whatever the row
 * count. The first batch is fetched before the response starts, so a failing query is still an ordinary
 * error response rather than a truncated file.
 */
export class AuditCsvStream extends Readable {
  private fetching = false;
  private released = false;

  private constructor(
    private readonly client: PoolClient,
    private pending: string | null,
    private exhausted: boolean,
  ) {
    super({ highWaterMark: 256 * 1024 });
  }

  /** `select` must produce the CSV columns in order, every value as text (or null). */
  static async open(client: PoolClient, select: string, values: unknown[]): Promise<AuditCsvStream> {
    try {
      await client.query('begin read only');
      await client.query(`declare ${CURSOR} no scroll cursor for ${select}`, values);
      const first = await fetchBatch(client);
      return new AuditCsvStream(client, AUDIT_CSV_HEADER + toCsv(first), first.length < BATCH_ROWS);
    } catch (error) {
      client.release(true);
      throw error;
    }
  }

  override _read(): void {
    if (this.pending !== null) {
      const chunk = this.pending;
      this.pending = null;
      this.push(chunk);
      if (this.exhausted) this.finish();
      return;
    }
    if (this.fetching || this.exhausted) return;
    this.fetching = true;
    fetchBatch(this.client).then(
      (rows) => {
        this.fetching = false;
        if (this.destroyed) return;
        if (rows.length < BATCH_ROWS) this.exhausted = true;
        if (rows.length > 0) this.push(toCsv(rows));
        if (this.exhausted) this.finish();
      },
      (error: Error) => this.destroy(error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Cut short (client gone, or a failed fetch): the connection may be mid-query, so it is closed, not reused.
    this.release(true);
    callback(error);
  }

  private finish(): void {
    this.client.query('commit').then(
      () => {
        this.release(false);
        this.push(null);
      },
      (error: Error) => this.destroy(error),
    );
  }

  private release(discard: boolean): void {
    if (this.released) return;
    this.released = true;
    this.client.release(discard || undefined);
  }
}

async function fetchBatch(client: PoolClient): Promise<(string | null)[][]> {
  const result = await client.query<(string | null)[]>({ text: `fetch forward ${BATCH_ROWS} from ${CURSOR}`, rowMode: 'array', types: RAW_TEXT });
  return result.rows;
}

function toCsv(rows: (string | null)[][]): string {
  let text = '';
  for (const row of rows) text += csvRecord(row);
  return text;
}
