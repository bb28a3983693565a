import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

/** A hub started as its own process (`bin/coexist.mjs serve`), as an operator runs it. */
export type HubProcess = {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the process wrote so far (JSON log lines), to explain a failure. */
  output(): string;
  /** True while the process runs. */
  alive(): boolean;
  /** SIGTERM, then SIGKILL if it does not end within a few seconds. */
  stop(): Promise<void>;
};

/** Starts a hub process with `env` over the minimum it needs; resolves once it listens. */
export function startHubProcess(env: Record<string, string>): Promise<HubProcess> {
  const child = spawn(process.execPath, ['bin/coexist.mjs', 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      HOST: '127.0.0.1',
      COEXIST_DATA_DIR: mkdtempSync(join(tmpdir(), 'coexist-fault-')),
      META_APP_SECRET: 'sandbox-app-secret',
      META_VERIFY_TOKEN: 'sandbox-verify-token',
      META_GRAPH_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => {
    out += chunk.toString();
    if (out.length > 2_000_000) out = out.slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start:\n${out.slice(-5000)}`)), 30_000);
    const look = () => {
      const m =
        /"url":"(http:\/\/[^"]+)"[^\n]*hub listening|hub listening[^\n]*"url":"(http:\/\/[^"]+)"/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout?.off('data', look);
      resolve({
        child,
        url: (m[1] ?? m[2]) as string,
        output: () => out,
        alive: () => child.exitCode === null && child.signalCode === null,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(killer);
        },
      });
    };
    child.stdout?.on('data', look);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code ?? signal}:\n${out.slice(-5000)}`));
    });
  });
}
