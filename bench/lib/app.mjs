import { expect, request } from './http.mjs';

export const ADMIN_PASSWORD = 'Bench-admin-password-0123';

export async function login(base, username, password = ADMIN_PASSWORD) {
  const response = await expect(200, base, 'POST', '/api/auth/login', { body: { login: username, password } });
  return response.body.accessToken;
}

/** Reset targets: ids of seeded users that can be reset by the random method and have an email, in random order. */
export async function resetTargets(client, count) {
  const { rows } = await client.query(
    `select id from app_user where type <> 'parent' and email is not null and roles = '{}' order by random() limit $1`,
    [count],
  );
  return rows.map((row) => row.id);
}

export async function reset(base, token, userId) {
  const response = await request(base, 'POST', `/api/users/${userId}/password-resets`, { token, body: { reason: 'bench' } });
  if (response.status !== 201) throw new Error(`reset ${userId}: ${response.status} ${response.text.slice(0, 300)}`);
  return response;
}

/** Runs `worker(i)` for i in [0, total) with at most `concurrency` in flight. */
export async function pool(total, concurrency, worker) {
  let next = 0;
  const results = new Array(total);
  const run = async () => {
    while (next < total) {
      const i = next++;
      results[i] = await worker(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, run));
  return results;
}
