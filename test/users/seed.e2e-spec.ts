import { DemoAccounts } from '@app/users';
import { ADMIN, login, loginAdmin, SignedIn, startApp, TestApp } from '../support/harness';

let t: TestApp;
let admin: SignedIn;

/** SEED_DEMO together with the configured bootstrap admin (named `admin`, like the demo admin). */
beforeAll(async () => {
  t = await startApp({ env: { SEED_DEMO: 'true' } });
  admin = await loginAdmin(t);
});

afterAll(async () => {
  await t?.stop();
});

interface ListedUser {
  username: string;
  type: string;
  roles: string[];
  email: string | null;
  emailValid: boolean;
  hasIqama: boolean;
  mustChangePassword: boolean;
}

describe('start-up accounts', () => {
  it('creates the bootstrap admin from ADMIN_* once, not gated, with the configured password', async () => {
    const users = (await t.http().get('/api/users?search=admin&limit=200').set(admin.auth)).body.items as ListedUser[];
    expect(users.filter((u) => u.username === ADMIN.username)).toEqual([
      expect.objectContaining({ email: ADMIN.email, roles: ['admin'], mustChangePassword: false }),
    ]);
  });

  it('seeds a demo user of every type with SEED_DEMO', async () => {
    const users = (await t.http().get('/api/users?limit=200').set(admin.auth)).body.items as ListedUser[];
    expect(new Set(users.map((u) => u.type))).toEqual(new Set(['parent', 'customer', 'supplier', 'employee', 'user']));
    expect(users.some((u) => u.roles.includes('auditor'))).toBe(true);
    expect(users.find((u) => u.username === 'fatima.k')).toMatchObject({ type: 'parent', hasIqama: true, emailValid: true });
    expect(users.find((u) => u.username === 'bademail.parent')).toMatchObject({ emailValid: false });
    expect(users.find((u) => u.username === 'noemail.customer')).toMatchObject({ email: null, emailValid: false });
  });

  it('every demo account printed at start-up signs in with the password printed beside it', async () => {
    const printed = t.app.get(DemoAccounts).list();
    expect(printed.length).toBeGreaterThanOrEqual(5);
    for (const account of printed) {
      const response = await t.http().post('/api/auth/login').send({ login: account.username, password: account.password });
      expect({ username: account.username, status: response.status }).toEqual({ username: account.username, status: 200 });
    }
  });

  it('demo accounts without a sign-in cannot sign in', async () => {
    for (const username of ['noemail.customer', 'bademail.parent']) {
      const response = await t.http().post('/api/auth/login').send({ login: username, password: 'Demo-anything-1234' });
      expect(response.status).toBe(401);
    }
    expect((await login(t, ADMIN.username, ADMIN.password)).user.username).toBe(ADMIN.username);
  });
});
