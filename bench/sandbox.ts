/**
 * `npm run bench:sandbox`: send calls per second the sandbox accepts over loopback, rate limits off.
 * The sandbox runs in its own process (`coexist sandbox`); autocannon drives it from this one.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
// autocannon ships no type declarations; this is the part of its API the benchmark uses.
const autocannon = createRequire(import.meta.url)('autocannon') as (
  opts: Record<string, unknown>,
) => Promise<AutocannonResult>;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

const child = spawn(
  process.execPath,
  [join(root, 'bin/coexist.mjs'), 'sandbox', '--port', '0', '--memory', '--no-rate-limits', '--no-statuses'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]!);
  });
  child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
});

const body = JSON.stringify({
  messaging_product: 'whatsapp',
  to: '+16505551234',
  type: 'template',
  template: { name: 'hello_world', language: { code: 'en_US' } },
});
const result = await autocannon({
  url: `${url}/v23.0/106540352242922/messages`,
  method: 'POST',
  headers: { authorization: 'Bearer sandbox-access-token', 'content-type': 'application/json' },
  body,
  connections,
  duration,
});
child.kill('SIGTERM');

const non2xx = result.non2xx + result.errors;
process.stdout.write(
  [
    `sandbox send API, rate limits off, ${connections} connections, ${duration}s over loopback`,
    `  calls/s:     ${Math.round(result.requests.average)} (total ${result.requests.total}, non-2xx/errors ${non2xx})`,
    `  latency p50: ${result.latency.p50} ms`,
    `  latency p99: ${result.latency.p99} ms`,
    `  target:      >= 2000 calls/s -> ${result.requests.average >= 2000 ? 'met' : 'NOT met'}`,
    '',
  ].join('\n'),
);
