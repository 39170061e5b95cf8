import { expect } from '../lib/http.mjs';
import { median, percentile, round } from '../lib/stats.mjs';

/** The list's cursor format (list-users.handler.ts); checked against the server's own nextCursor first. */
const cursorAfter = (username) => Buffer.from(`u1:${username}`, 'utf8').toString('base64url');

/**
 * 3. GET /api/users over HTTP (auth guard included) with 100,000 users: a search and its first page, and
 * deep cursor pages, each sequentially `samples` times after a warm-up; client-side latency.
 */
export async function listUsersPhase({ server, token, client, samples, log }) {
  const get = (path) => expect(200, server.base, 'GET', path, { token });

  // The cursor the bench builds must be the one the server hands out.
  const first = await get('/api/users?limit=50');
  const last = first.body.items.at(-1).username;
  if (first.body.nextCursor !== cursorAfter(last)) throw new Error('list-users cursor format changed; update bench/phases/list-users.mjs');

  const position = async (where, params, offset) =>
    (await client.query(`select username from app_user ${where} order by username offset ${offset} limit 1`, params)).rows[0].username;
  const total = Number((await client.query('select count(*) from app_user')).rows[0].count);
  const rare = await position('where id is not null', [], Math.floor(total / 3));
  const { rows: [{ count: commonCount }] } = await client.query(
    `select count(*) from app_user where lower(username || ' ' || display_name || ' ' || coalesce(email, '')) like '%fatima%'`,
  );
  const deepAll = await position('', [], Math.floor(total * 0.9));
  const deepFatima = await position(`where lower(username || ' ' || display_name || ' ' || coalesce(email, '')) like '%fatima%'`, [], Math.floor(Number(commonCount) * 0.9));
  const deepParent = await position(`where type = 'parent'`, [], Math.floor(total / 8 * 0.9));

  const cases = [
    { name: 'search one user (exact username), first page', path: `/api/users?search=${encodeURIComponent(rare)}` },
    { name: `search "fatima" (${Number(commonCount).toLocaleString('en')} matches), first page`, path: '/api/users?search=fatima' },
    { name: 'search "zainab" (2,500 matches, all sorting last), first page', path: '/api/users?search=zainab' },
    { name: 'search "example.org" (every user with email), first page', path: '/api/users?search=example.org' },
    { name: 'search "al" (short, ~1/4 of users), first page', path: '/api/users?search=al' },
    { name: 'no filter, cursor at 90,000th', path: `/api/users?cursor=${cursorAfter(deepAll)}` },
    { name: 'search "fatima", cursor at 90% of matches', path: `/api/users?search=fatima&cursor=${cursorAfter(deepFatima)}` },
    { name: 'type=parent, cursor at 90% of parents', path: `/api/users?type=parent&cursor=${cursorAfter(deepParent)}` },
  ];
  const results = [];
  for (const c of cases) {
    for (let i = 0; i < 10; i++) await get(c.path);
    const times = [];
    let items = 0;
    for (let i = 0; i < samples; i++) {
      const response = await get(c.path);
      times.push(response.ms);
      items = response.body.items.length;
    }
    const result = { name: c.name, path: c.path, items, p50: median(times), p95: percentile(times, 95) };
    results.push(result);
    log(`  ${c.name}: ${items} items, p50 ${round(result.p50, 2)} ms, p95 ${round(result.p95, 2)} ms`);
  }
  return results;
}
