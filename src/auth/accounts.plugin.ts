import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { cannedRepliesRoutes } from '../inbox/canned-replies.routes.ts';
import { contactAttributesRoutes } from '../inbox/contact-attributes.routes.ts';
import { conversationActionsRoutes } from '../inbox/conversation-actions.routes.ts';
import { labelsRoutes } from '../inbox/labels.routes.ts';
import { notesRoutes } from '../inbox/notes.routes.ts';
import { conversationReadRoutes } from '../inbox/read.routes.ts';
import { supervisorRoutes } from '../inbox/supervisor.routes.ts';
import { settingsRoutes } from '../settings/settings.routes.ts';
import { teamsRoutes } from '../teams/teams.routes.ts';
import { usersRoutes } from '../users/users.routes.ts';
import { accountsGuard } from './accounts-guard.ts';
import { authRoutes } from './auth.routes.ts';
import { tokensRoutes } from './tokens.routes.ts';

/**
 * Everything the accounts part serves, registered by one line in `buildApp`: the guard that
 * authenticates and authorises every `/api` route, then login/MFA, users, teams, tokens, settings
 * and the inbox actions.
 */
export function accountsPlugin(deps: AppDeps): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app) => {
    await app.register(accountsGuard(deps));
    for (const routes of [
      authRoutes,
      usersRoutes,
      teamsRoutes,
      tokensRoutes,
      settingsRoutes,
      conversationActionsRoutes,
      notesRoutes,
      conversationReadRoutes,
      labelsRoutes,
      cannedRepliesRoutes,
      contactAttributesRoutes,
      supervisorRoutes,
    ]) {
      await app.register(routes(deps));
    }
  };
  // The guard inside must reach the root so that it covers every other plugin's routes.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
