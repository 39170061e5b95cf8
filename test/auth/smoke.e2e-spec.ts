import { ADMIN, loginAdmin, startApp, TestApp } from '../support/harness';

describe('start-up', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('answers health and signs the bootstrap admin in', async () => {
    await t.http().get('/api/health').expect(200);
    await t.http().get('/api/health/ready').expect(200);
    const admin = await loginAdmin(t);
    expect(admin.user.username).toBe(ADMIN.username);
    const me = await t.http().get('/api/auth/me').set(admin.auth).expect(200);
    expect(me.body.roles).toEqual(['admin']);
  });
});
