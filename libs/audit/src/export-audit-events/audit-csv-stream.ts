import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { RAW_TEXT } from '../infrastructure/audit-database';
import { AUDIT_CSV_HEADER, auditCsvRecord } from './audit-csv';

type Row = (string | null)[];

const BATCH_ROWS = 1000;
/** Rows per pushed string: small enough (~40 KB) for V8's young generation, so garbage never piles up in the old one. */
const CHUNK_ROWS = 100;
const CURSOR = 'audit_export';

/**
 * CSV read from a server-side cursor as the client takes it (Readable back-pressure): memory stays flat
 * whatever the row count. One batch is fetched ahead, so PostgreSQL produces the next rows while this
 * process formats the current ones. The first batch is fetched before the response starts, so a failing
 * query is still an ordinary error response rather than a truncated file.
 */
export class AuditCsvStream extends Readable {
  private waiting = false;
  private finishing = false;
  private released = false;

  private constructor(
    private readonly client: PoolClient,
    private chunks: string[],
    private next: Promise<Row[]> | null,
  ) {
    super({ highWaterMark: 256 * 1024 });
  }

  /** `select` must produce the CSV columns in order, every value as text (or null). */
  static async open(client: PoolClient, select: string, values: unknown[]): Promise<AuditCsvStream> {
    try {
      await client.query('begin read only');
      await client.query(`declare ${CURSOR} no scroll cursor for ${select}`, values);
      const first = await fetchBatch(client);
      return new AuditCsvStream(client, [AUDIT_CSV_HEADER, ...toChunks(first)], first.length === BATCH_ROWS ? fetchBatch(client) : null);
    } catch (error) {
      client.release(true);
      throw error;
    }
  }

  override _read(): void {
    while (this.chunks.length > 0) if (!this.push(this.chunks.shift())) return;
    if (this.waiting || this.finishing) return;
    if (this.next === null) return this.finish();
    this.waiting = true;
    this.next.then(
      (rows) => {
        this.waiting = false;
        if (this.destroyed) return;
        this.next = rows.length === BATCH_ROWS ? fetchBatch(this.client) : null;
        this.chunks = toChunks(rows);
        this._read();
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
    this.finishing = true;
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

/** Starts fetching the next batch; a failure is reported to whoever awaits it, never as an unhandled rejection. */
function fetchBatch(client: PoolClient): Promise<Row[]> {
  const batch = client.query<Row>({ text: `fetch forward ${BATCH_ROWS} from ${CURSOR}`, rowMode: 'array', types: RAW_TEXT }).then((result) => result.rows);
  batch.catch(() => undefined);
  return batch;
}

function toChunks(rows: Row[]): string[] {
  const chunks: string[] = [];
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    let text = '';
    for (let i = start; i < Math.min(start + CHUNK_ROWS, rows.length); i++) text += auditCsvRecord(rows[i]);
    chunks.push(text);
  }
  return chunks;
}
