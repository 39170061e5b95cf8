import http from 'node:http';
import { performance } from 'node:perf_hooks';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * One HTTP request over a keep-alive agent; resolves with status, parsed body and the client-side latency
 * in milliseconds (first byte written to last byte read).
 */
export function request(base, method, path, { token, body, headers = {}, timeoutMs = 60_000 } = {}) {
  const url = new URL(path, base);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const allHeaders = { accept: 'application/json', 'user-agent': 'custodian-bench', ...headers };
  if (token) allHeaders.authorization = `Bearer ${token}`;
  if (payload) {
    allHeaders['content-type'] = 'application/json';
    allHeaders['content-length'] = payload.length;
  }
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(url, { method, agent, headers: allHeaders }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const ms = performance.now() - started;
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, body: json, text, ms });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    // A server that stops answering fails the run instead of hanging it.
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs / 1000} s`)));
    if (payload) req.write(payload);
    req.end();
  });
}

/** Like request(), but throws unless the status is the expected one. */
export async function expect(status, base, method, path, options) {
  const response = await request(base, method, path, options);
  if (response.status !== status) {
    throw new Error(`${method} ${path}: expected ${status}, got ${response.status} ${response.text.slice(0, 300)}`);
  }
  return response;
}

export function closeAgent() {
  agent.destroy();
}
