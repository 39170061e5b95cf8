import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { ROOT } from './paths.mjs';

const require = createRequire(`${ROOT}/package.json`);
const { Client } = require('pg');

/** The PostgreSQL server: BENCH_DATABASE_URL, else the machine's own (trust auth, user postgres). */
export const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function onServer(sql) {
  const client = new Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function serverVersion() {
  const { rows } = await onServer('show server_version');
  return rows[0].server_version;
}

/** A fresh database, dropped by `drop()` (and by the runner's exit handler). */
export async function createDatabase(prefix) {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  await onServer(`create database ${name}`);
  const url = withDatabase(SERVER_URL, name);
  return {
    name,
    url,
    async connect() {
      const client = new Client({ connectionString: url });
      await client.connect();
      return client;
    },
    drop: () => onServer(`drop database if exists ${name} with (force)`),
  };
}

const FIRST = ['omar', 'fatima', 'ahmed', 'layla', 'yusuf', 'noura', 'khalid', 'sara', 'hassan', 'mariam', 'ali', 'huda',
  'ibrahim', 'aisha', 'tariq', 'rania', 'samir', 'dana', 'faisal', 'lina', 'john', 'mary', 'peter', 'anna', 'james',
  'emma', 'david', 'sofia', 'daniel', 'olivia', 'michael', 'grace', 'nasser', 'reem', 'majed', 'salma', 'bilal', 'hind',
  'karim', 'zainab'];
const LAST = ['haddad', 'khoury', 'mansour', 'nasser', 'saleh', 'hamdan', 'aziz', 'rahman', 'qasim', 'farouk', 'otaibi',
  'harbi', 'zahrani', 'ghamdi', 'shehri', 'smith', 'jones', 'brown', 'taylor', 'wilson', 'evans', 'walker', 'white',
  'green', 'hall', 'wood', 'clark', 'lewis', 'young', 'king', 'baker', 'hill', 'moore', 'ward', 'turner', 'parker',
  'cook', 'bell', 'murphy', 'reed'];
const AR_FIRST = ['عمر', 'فاطمة', 'أحمد', 'ليلى', 'يوسف', 'نورة', 'خالد', 'سارة'];
const AR_LAST = ['الحداد', 'الخوري', 'المنصور', 'الناصر', 'الصالح', 'العتيبي', 'الحربي', 'الزهراني'];

const sqlArray = (values) => `(array[${values.map((v) => `'${v}'`).join(',')}])`;

/**
 * `count` users set-based, straight into app_user (schema of Migration20261203000002Users): unique
 * lower-case usernames `first.lastN`, display names in Latin or (one in eight) Arabic script, an email for
 * nine in ten, the five types in proportion (parents without IQAMA numbers: resets of parents are not
 * benchmarked), no password. Usernames start with `prefix`.
 */
export async function seedUsers(client, count, prefix = '') {
  await client.query(`
    insert into app_user (id, username, display_name, email, type, roles, locale, created_at, updated_at)
    select gen_random_uuid(), u.username,
           case when i % 8 = 0 then ${sqlArray(AR_FIRST)}[1 + i % ${AR_FIRST.length}] || ' ' || ${sqlArray(AR_LAST)}[1 + (i / 8) % ${AR_LAST.length}]
                else initcap(f) || ' ' || initcap(l) end,
           case when i % 10 = 0 then null else u.username || '@example.org' end,
           (array['customer','employee','parent','supplier','user','customer','employee','customer'])[1 + i % 8],
           '{}', case when i % 8 = 0 then 'ar' else 'en' end,
           now() - make_interval(days => i % 700), now()
      from generate_series(1, ${count}) as i,
           lateral (select ${sqlArray(FIRST)}[1 + (i * 7) % ${FIRST.length}] as f,
                           ${sqlArray(LAST)}[1 + (i * 13 / ${FIRST.length}) % ${LAST.length}] as l) as n,
           lateral (select '${prefix}' || f || '.' || l || i as username) as u`);
  await client.query('analyze app_user');
}

/** Admins with a known password (its hash given), able to sign in at once (no password change pending). */
export async function seedAdmins(client, count, passwordHash, prefix = 'bench.admin') {
  const { rows } = await client.query(
    `insert into app_user (id, username, display_name, email, type, roles, password_hash, must_change_password)
     select gen_random_uuid(), $1 || lpad(i::text, 2, '0'), 'Bench Admin ' || i, $1 || lpad(i::text, 2, '0') || '@bench.example.org',
            'employee', '{admin}', $2, false
       from generate_series(1, $3::int) as i
     returning id, username`,
    [prefix, passwordHash, count],
  );
  return rows.sort((a, b) => a.username.localeCompare(b.username));
}
