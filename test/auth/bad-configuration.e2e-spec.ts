import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { serverUrl } from '../support/test-database';

const ROOT = join(__dirname, '..', '..');

/** Starts the real entry point (`npm run start:dev`'s command) and waits for it to exit. */
function start(env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const base: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: serverUrl(),
      SMTP_URL: 'smtp://127.0.0.1:2525',
      APP_SECRET: 'a-secret-of-at-least-thirty-two-characters',
    };
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/api/src/main.ts'], {
      cwd: ROOT,
      env: Object.fromEntries(Object.entries({ ...base, ...env }).filter((entry): entry is [string, string] => entry[1] !== undefined)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`start-up did not stop: ${stdout} ${stderr}`));
    }, 45_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('bad configuration', () => {
  it.each([
    ['BCRYPT_COST', { BCRYPT_COST: 'abc' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['APP_SECRET', { NODE_ENV: 'production', APP_SECRET: undefined }],
  ] as [string, Record<string, string | undefined>][])('stops start-up with exit code 1 and one line naming %s', async (variable, env) => {
    const { code, stdout, stderr } = await start(env);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
  });
});
