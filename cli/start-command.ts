import { join } from 'node:path';
import type { Command } from 'commander';
import { SANDBOX_DEFAULTS, type Sandbox, SIGNUP_DEFAULTS, startSandbox } from '../sandbox/index.ts';
import { createApiToken, revokeApiToken } from '../src/auth/api-tokens.ts';
import { ensureFirstOwner } from '../src/auth/first-owner.ts';
import { markDemoVip, seedAutomationDemo } from '../src/automation/flows/demo-seed.ts';
import { type RunningHub, startHub } from '../src/hub.ts';
import { openHubDeps } from './hub-commands.ts';

/** The development defaults `npm start` fills in; any of them can still be set in the environment. */
function devEnvironment(env: NodeJS.ProcessEnv, sandboxUrl: string): NodeJS.ProcessEnv {
  return {
    META_APP_SECRET: SANDBOX_DEFAULTS.appSecret,
    META_VERIFY_TOKEN: SANDBOX_DEFAULTS.verifyToken,
    META_ACCESS_TOKEN: SANDBOX_DEFAULTS.accessToken,
    META_GRAPH_VERSION: SANDBOX_DEFAULTS.graphVersion,
    LOG_LEVEL: 'warn',
    // "Connect a WhatsApp Business app number" runs against the sandbox's Embedded Signup.
    META_APP_ID: SIGNUP_DEFAULTS.appId,
    META_SIGNUP_CONFIG_ID: SIGNUP_DEFAULTS.configId,
    META_SIGNUP_SDK_URL: `${sandboxUrl}/sdk.js`,
    META_SIGNUP_ORIGINS: sandboxUrl,
    ...env,
    META_GRAPH_URL: sandboxUrl,
  };
}

async function callApi(hubUrl: string, token: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${hubUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/**
 * Connects the sandbox's coexistence number to the hub the way an operator would: register the
 * number through the API, point the sandbox's webhooks at the hub, then run the one-time contacts
 * and history sync (contacts first, as Meta asks). Safe to repeat: a second start finds it done.
 */
async function connectSandboxNumber(input: {
  hub: RunningHub;
  sandbox: Sandbox;
  token: string;
}): Promise<void> {
  const { hub, sandbox, token } = input;
  await sandbox.setCallback(`${hub.url}/webhooks/meta`);
  const registered = await callApi(hub.url, token, '/api/numbers', {
    phone_number_id: SANDBOX_DEFAULTS.phoneNumberId,
    waba_id: SANDBOX_DEFAULTS.wabaId,
  });
  if (!registered.ok) throw new Error(`registering the sandbox number failed: ${await registered.text()}`);
  for (const syncType of ['smb_app_state_sync', 'history'] as const) {
    // 2593107 on a restart just says the one-time sync already ran; nothing to do.
    await callApi(hub.url, token, `/api/numbers/${SANDBOX_DEFAULTS.phoneNumberId}/sync`, {
      sync_type: syncType,
    });
  }
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      'Development mode: the hub on SQLite with the sandbox connected and simulated customers chatting',
    )
    .option('--sandbox-port <port>', 'port of the sandbox', '3001')
    .option('--no-traffic', 'do not start simulated customers')
    .action(async (opts: { sandboxPort: string; traffic: boolean }) => {
      const dataDir = process.env.COEXIST_DATA_DIR ?? './data';
      const sandbox = await startSandbox({
        port: Number(opts.sandboxPort),
        dataDir: join(dataDir, 'sandbox'),
        history: { contacts: 12, messagesPerContact: 15 },
        // The demo lets an operator write to any number: it answers as a customer on WhatsApp.
        unknownRecipients: 'create',
      });
      const deps = await openHubDeps(devEnvironment(process.env, sandbox.url));
      const hub = await startHub(deps, { port: deps.config.port, host: deps.config.host });
      const bootstrap = await createApiToken(deps.database.db, {
        name: 'npm start',
        role: 'owner',
        now: Date.now(),
      });
      try {
        await connectSandboxNumber({ hub, sandbox, token: bootstrap.token });
      } finally {
        await revokeApiToken(deps.database.db, bootstrap.id, Date.now());
      }
      // The demo number's welcome flow, FAQ and Sales team (with or without traffic); the VIP once
      // the contact sync has brought the owner's address book in.
      await seedAutomationDemo(deps, {
        phoneNumberId: SANDBOX_DEFAULTS.phoneNumberId,
        wabaId: SANDBOX_DEFAULTS.wabaId,
      });
      void (async () => {
        let vip: string | null = null;
        for (let i = 0; i < 30 && vip === null; i++) {
          vip = await markDemoVip(deps, { phoneNumberId: SANDBOX_DEFAULTS.phoneNumberId });
          if (vip === null) await new Promise((r) => setTimeout(r, 2_000));
        }
        if (vip === null || !opts.traffic) return;
        // With traffic, the VIP writes once: no bot answers her (VIPs are left to the owner) and the
        // owner answers from the phone a little later, as an echo the inbox shows as the owner's.
        const contact = await deps.database.db
          .selectFrom('contacts')
          .select('wa_id')
          .where('id', '=', vip)
          .executeTakeFirst();
        const waId = contact?.wa_id;
        if (!waId) return;
        await sandbox.control.customerText(waId, 'Hi! Could you keep my usual table for tonight?');
        await new Promise((r) => setTimeout(r, 20_000));
        await sandbox.control.ownerText(SANDBOX_DEFAULTS.phoneNumberId, waId, 'Of course, see you at 9!');
      })().catch(() => {});
      if (opts.traffic)
        await sandbox.control.startTraffic({ customers: 5, perMinute: 6, mix: { owner: 12 } });
      const login = await ensureFirstOwner(deps);
      const lines = [
        '',
        `  Coexist inbox:   ${hub.url}/`,
        login
          ? `  First login:     ${login.email} / ${login.password}   (shown once; you will enrol MFA)`
          : '  Log in with an existing user (`coexist users create` adds one).',
        `  Sandbox phone:   ${sandbox.url}/_sandbox/ui   (act as a customer or as the owner)`,
        '',
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      const shutdown = async () => {
        await hub.close();
        await sandbox.close();
        await deps.database.close();
        process.exit(0);
      };
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    });
}
