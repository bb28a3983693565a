import { Command } from 'commander';
import { registerAnalyticsCommands } from './analytics-commands.ts';
import { registerAuditCommands } from './audit-commands.ts';
import { registerHubCommands } from './hub-commands.ts';
import { registerSandboxCommands } from './sandbox-commands.ts';
import { registerStartCommand } from './start-command.ts';
import { registerUserCommands } from './user-commands.ts';

/** The `coexist` command line. Each part adds its commands in its own file. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('coexist')
    .description('Coexist: a team hub for WhatsApp Business numbers in Coexistence mode');
  registerHubCommands(program);
  registerSandboxCommands(program);
  registerStartCommand(program);
  registerUserCommands(program);
  registerAuditCommands(program);
  registerAnalyticsCommands(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
