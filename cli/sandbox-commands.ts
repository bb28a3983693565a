import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { SANDBOX_DEFAULTS, startSandbox } from '../sandbox/index.ts';

interface SandboxFlags {
  port: string;
  host: string;
  dataDir: string;
  memory?: boolean;
  callbackUrl?: string;
  appSecret: string;
  verifyToken: string;
  accessToken: string;
  seed: string;
  timeFactor: string;
  scenario?: string;
  rateLimits: boolean;
  statuses: boolean;
}

/** `coexist sandbox`: the Cloud API emulator on its own port with its own storage. */
export function registerSandboxCommands(program: Command, env: NodeJS.ProcessEnv = process.env): void {
  program
    .command('sandbox')
    .description(
      'Start the sandbox: a Meta Cloud API emulator with a simulated Business App phone and customers',
    )
    .option('--port <port>', 'port (env SANDBOX_PORT)', env.SANDBOX_PORT ?? '4100')
    .option('--host <host>', 'interface (env SANDBOX_HOST)', env.SANDBOX_HOST ?? '127.0.0.1')
    .option(
      '--data-dir <dir>',
      'state folder; survives restarts (env SANDBOX_DATA_DIR)',
      env.SANDBOX_DATA_DIR ?? 'data/sandbox',
    )
    .option('--memory', 'keep state in memory only')
    .option(
      '--callback-url <url>',
      'webhook callback (verified with the GET handshake) (env SANDBOX_CALLBACK_URL)',
      env.SANDBOX_CALLBACK_URL,
    )
    .option(
      '--app-secret <secret>',
      'app secret for X-Hub-Signature-256 (env SANDBOX_APP_SECRET)',
      env.SANDBOX_APP_SECRET ?? SANDBOX_DEFAULTS.appSecret,
    )
    .option(
      '--verify-token <token>',
      'webhook verify token (env SANDBOX_VERIFY_TOKEN)',
      env.SANDBOX_VERIFY_TOKEN ?? SANDBOX_DEFAULTS.verifyToken,
    )
    .option(
      '--access-token <token>',
      'accepted Bearer token (env SANDBOX_ACCESS_TOKEN)',
      env.SANDBOX_ACCESS_TOKEN ?? SANDBOX_DEFAULTS.accessToken,
    )
    .option('--seed <n>', 'random seed (env SANDBOX_SEED)', env.SANDBOX_SEED ?? '42')
    .option(
      '--time-factor <n>',
      'divide simulated delays by n (env SANDBOX_TIME_FACTOR)',
      env.SANDBOX_TIME_FACTOR ?? '1',
    )
    .option(
      '--scenario <file>',
      'JSON or YAML scenario to run once started (env SANDBOX_SCENARIO)',
      env.SANDBOX_SCENARIO,
    )
    .option('--no-rate-limits', 'switch throughput and pair rate limits off')
    .option('--no-statuses', 'no automatic sent/delivered/read statuses')
    .action(async (flags: SandboxFlags) => {
      const sandbox = await startSandbox({
        port: Number(flags.port),
        host: flags.host,
        dataDir: flags.memory ? undefined : flags.dataDir,
        appSecret: flags.appSecret,
        verifyToken: flags.verifyToken,
        accessToken: flags.accessToken,
        seed: Number(flags.seed),
        timeFactor: Number(flags.timeFactor),
        rateLimits: flags.rateLimits,
        ...(flags.statuses ? {} : { statusDelays: false as const }),
        logger: false,
      });
      if (flags.callbackUrl) {
        const r = await sandbox.control.setCallback(flags.callbackUrl);
        if (!r.verified)
          process.stderr.write(
            `warning: ${flags.callbackUrl} did not pass the verify handshake; no webhooks until it does\n`,
          );
      }
      if (flags.scenario) {
        const text = readFileSync(flags.scenario, 'utf8');
        const scenario = flags.scenario.endsWith('.json')
          ? (JSON.parse(text) as Record<string, unknown>)
          : (parseYaml(text) as Record<string, unknown>);
        const result = await sandbox.control.runScenario(scenario);
        process.stdout.write(`scenario: ${JSON.stringify(result)}\n`);
      }
      process.stdout.write(
        `sandbox listening on ${sandbox.url}\n  Graph API:   ${sandbox.url}/v23.0/\n  control API: ${sandbox.url}/_sandbox/\n  web page:    ${sandbox.url}/_sandbox/ui\n`,
      );
      const shutdown = async () => {
        await sandbox.close();
        process.exit(0);
      };
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    });
}
