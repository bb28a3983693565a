/**
 * A sandbox in its own process for benchmarks that measure the hub: Meta is never in the hub's
 * process, and sharing one event loop would let the hub's synchronous SQLite commits stall the
 * sandbox (which then sees bursts the hub never sent). The parent talks to it over IPC:
 * `startSandboxProcess(options)` gives its URL, the accepted outbound sends and a close.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type SandboxOptions, startSandbox } from '../sandbox/index.ts';

export type AcceptedSend = { readonly bizOpaque: string; readonly timestamp: number };

export type SandboxProcess = {
  readonly url: string;
  /** Outbound messages the sandbox accepted that carried `biz_opaque_callback_data`. */
  accepted(): Promise<AcceptedSend[]>;
  close(): Promise<void>;
};

type Reply =
  | { readonly type: 'ready'; readonly url: string }
  | { readonly type: 'accepted'; readonly list: AcceptedSend[] };

export async function startSandboxProcess(options: SandboxOptions): Promise<SandboxProcess> {
  const child = fork(fileURLToPath(import.meta.url), ['--child'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<Reply>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`sandbox process exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        resolve(m as Reply);
      });
    });
  const ready = next();
  child.send({ type: 'start', options });
  const first = await ready;
  if (first.type !== 'ready') throw new Error('sandbox process did not start');
  return {
    url: first.url,
    async accepted() {
      const reply = next();
      child.send({ type: 'accepted' });
      const r = await reply;
      return r.type === 'accepted' ? r.list : [];
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'close' });
      await exited;
    },
  };
}

if (process.argv.includes('--child') && process.send) {
  let sandbox: Awaited<ReturnType<typeof startSandbox>> | null = null;
  process.on('message', async (m: { type: string; options?: SandboxOptions }) => {
    if (m.type === 'start') {
      sandbox = await startSandbox(m.options ?? {});
      process.send?.({ type: 'ready', url: sandbox.url });
    } else if (m.type === 'accepted' && sandbox) {
      const list: AcceptedSend[] = [];
      for (const msg of Object.values(sandbox.world.messages)) {
        const bizOpaque = msg.outbound?.bizOpaque;
        if (bizOpaque) list.push({ bizOpaque, timestamp: msg.timestamp });
      }
      process.send?.({ type: 'accepted', list });
    } else if (m.type === 'close') {
      await sandbox?.close();
      process.exit(0);
    }
  });
}
