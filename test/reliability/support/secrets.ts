import { readFileSync, existsSync } from 'node:fs';
import { Db } from './db';

export type SecretKind = 'password' | 'refresh token' | 'access token' | 'iqama';

/** Columns that hold a secret on purpose, encrypted: the only place one may be. */
const ENCRYPTED_COLUMNS = new Set(['app_user.iqama_encrypted', 'password_reset.pending_password_encrypted']);

/** Every secret a suite used or was given, to look for afterwards where it must not be. */
export class SecretLedger {
  private readonly values = new Map<string, SecretKind>();

  add(kind: SecretKind, value: string | null | undefined): void {
    if (value && value.length >= 8) this.values.set(value, kind);
  }

  /** Records a secret and hands it back, for use in a request. */
  remember(kind: SecretKind, value: string): string {
    this.add(kind, value);
    return value;
  }

  get size(): number {
    return this.values.size;
  }

  entries(): [string, SecretKind][] {
    return [...this.values.entries()];
  }

  /** Where in `text` a secret appears, as it is or JSON-escaped. */
  findIn(text: string, where: string): string[] {
    const findings: string[] = [];
    for (const [value, kind] of this.values) {
      const escaped = JSON.stringify(value).slice(1, -1);
      if (text.includes(value) || (escaped !== value && text.includes(escaped))) findings.push(`${kind} ${mask(value)} in ${where}`);
    }
    return findings;
  }
}

function mask(value: string): string {
  return `${value.slice(0, 2)}…${value.slice(-2)} (${value.length} chars)`;
}

export interface ScanResult {
  findings: string[];
  scanned: { logFiles: number; logBytes: number; tables: string[]; rows: number };
}

/**
 * Looks for every recorded secret in the captured logs and in every row of every table of the app's
 * database (public, pgboss), except the columns that are encrypted on purpose. Also checks that the
 * password hashes are bcrypt at the configured cost and that no settled reset keeps its pending password.
 */
export async function scanForSecrets(db: Db, ledger: SecretLedger, logFiles: string[], bcryptCost: number): Promise<ScanResult> {
  const findings: string[] = [];
  let logBytes = 0;
  const files = logFiles.filter((file) => existsSync(file));
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    logBytes += text.length;
    findings.push(...ledger.findIn(text, `log ${file}`));
  }

  const tables = await db.query<{ schema: string; name: string }>(
    `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname in ('public', 'pgboss') and not c.relispartition order by 1, 2`,
  );
  let rows = 0;
  for (const { schema, name } of tables) {
    const columns = await db.query<{ column: string }>(
      `select attname as column from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped order by attnum`,
      [`${schema}.${name}`],
    );
    const kept = columns.map((c) => c.column).filter((column) => !ENCRYPTED_COLUMNS.has(`${name}.${column}`));
    if (kept.length === 0) continue;
    const list = kept.map((column) => `coalesce(${quoteIdent(column)}::text, '')`).join(` || '|' || `);
    const result = await db.query<{ row: string }>(`select ${list} as row from ${quoteIdent(schema)}.${quoteIdent(name)}`);
    rows += result.length;
    for (const { row } of result) findings.push(...ledger.findIn(row, `${schema}.${name}`));
  }

  const hashes = await db.query<{ username: string; password_hash: string }>('select username, password_hash from app_user where password_hash is not null');
  const prefix = `$2b$${String(bcryptCost).padStart(2, '0')}$`;
  for (const { username, password_hash } of hashes) {
    if (!password_hash.startsWith(prefix) || password_hash.length !== 60) findings.push(`password hash of ${username} is not bcrypt at cost ${bcryptCost}: ${password_hash.slice(0, 7)}…`);
  }

  const kept = await db.query<{ id: string; status: string; send_email: boolean | null; delivery: string | null }>(
    `select r.id, r.status, r.send_email, d.status as delivery
       from password_reset r left join email_delivery d on d.reset_id = r.id
      where r.pending_password_encrypted is not null
        and (r.status = 'superseded' or r.complete_by < now()
             or (r.status = 'completed' and (r.send_email is not true or d.status in ('sent', 'failed'))))`,
  );
  for (const reset of kept) findings.push(`reset ${reset.id} (${reset.status}, sendEmail ${reset.send_email}, delivery ${reset.delivery}) still holds its pending password`);

  return { findings, scanned: { logFiles: files.length, logBytes, tables: tables.map((t) => `${t.schema}.${t.name}`), rows } };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
