import { AppError } from '../platform/errors.ts';
import { type Principal, ROLES, type Role, type TokenScope } from './principal.ts';

/**
 * The one authorisation table of the hub: every `/api` route belongs to a family (by method and
 * path), and each family lists the roles allowed. The guard checks it on every request before the
 * body is even read, so a route cannot forget it. Row-level rules (per business account, "an admin
 * cannot change an owner", "an agent reassigns only their own or unassigned conversations") are
 * checked by the handlers on top; no handler keeps a role list of its own.
 */
export type RouteFamily =
  | 'public'
  | 'self'
  | 'read'
  | 'conversation.write'
  | 'message.send'
  | 'messages.resolve'
  | 'conversation.take_over'
  | 'supervisor.read'
  | 'labels.write'
  | 'canned.write'
  | 'teams.write'
  | 'users'
  | 'tokens'
  | 'settings.read'
  | 'settings.write'
  | 'numbers.write'
  | 'failures.retry'
  | 'alerts.resolve'
  | 'templates.sync'
  | 'templates.write'
  | 'templates.delete'
  | 'campaigns.write'
  | 'admin.write'
  | 'audit'
  | 'audit.hold'
  | 'integrations'
  | 'security.log'
  | 'reports.read'
  | 'reports.write'
  | 'flows.write'
  | 'flows.secrets'
  | 'automation.write'
  | 'provider';

const ALL: readonly Role[] = ROLES;
const WORKERS: readonly Role[] = ['owner', 'admin', 'supervisor', 'agent'];
const LEADS: readonly Role[] = ['owner', 'admin', 'supervisor'];
const ADMINS: readonly Role[] = ['owner', 'admin'];

export const policy: Readonly<Record<RouteFamily, readonly Role[]>> = {
  public: ALL,
  self: ALL,
  read: ALL,
  'conversation.write': WORKERS,
  'message.send': WORKERS,
  'messages.resolve': LEADS,
  'conversation.take_over': LEADS,
  'supervisor.read': ['owner', 'admin', 'supervisor', 'auditor'],
  'labels.write': WORKERS,
  'canned.write': LEADS,
  'teams.write': ADMINS,
  users: ADMINS,
  tokens: ADMINS,
  'settings.read': ADMINS,
  'settings.write': ['owner'],
  'numbers.write': ADMINS,
  'failures.retry': LEADS,
  'alerts.resolve': LEADS,
  'templates.sync': LEADS,
  'templates.write': LEADS,
  'templates.delete': ADMINS,
  'campaigns.write': LEADS,
  'admin.write': ADMINS,
  audit: ['owner', 'admin', 'auditor'],
  'audit.hold': ADMINS,
  integrations: ADMINS,
  'security.log': ADMINS,
  'reports.read': LEADS,
  'reports.write': ADMINS,
  'flows.write': LEADS,
  'flows.secrets': ADMINS,
  'automation.write': LEADS,
  // The provider administrator's pages (organisations, inviting their owners): the role of the
  // current organisation does not matter, `principal.providerAdmin` does (see `principalMay`).
  provider: ALL,
};

type Rule = { methods: 'read' | 'write' | 'delete' | 'any'; path: RegExp; family: RouteFamily };

const under = (prefix: string) => new RegExp(`^${prefix.replace(/\//g, '\\/')}(\\/|$)`);

/** First match wins; a GET nobody listed is `read`, any other method nobody listed is `admin.write`. */
const rules: readonly Rule[] = [
  { methods: 'write', path: /^\/api\/auth\/login$/, family: 'public' },
  // An invitation link: looked up and accepted (by setting a password) before any sign-in.
  { methods: 'write', path: /^\/api\/invitations\/(lookup|accept)$/, family: 'public' },
  // Organisations: everyone lists their own; creating them and inviting their owners is the
  // provider administrator's; an organisation's admins invite its members.
  { methods: 'read', path: /^\/api\/organisations$/, family: 'self' },
  { methods: 'any', path: under('/api/organisations'), family: 'provider' },
  { methods: 'any', path: under('/api/invitations'), family: 'users' },
  { methods: 'read', path: /^\/api\/openapi\.json$/, family: 'public' },
  { methods: 'read', path: /^\/api\/audit\/(checkpoint|key)$/, family: 'read' },
  // Legal holds, retention classes and contact erasures: owners and admins.
  { methods: 'write', path: under('/api/audit/(holds|retention|erasures)'), family: 'audit.hold' },
  { methods: 'any', path: under('/api/audit'), family: 'audit' },
  { methods: 'any', path: under('/api/auth'), family: 'self' },
  { methods: 'any', path: under('/api/me'), family: 'self' },
  { methods: 'read', path: under('/api/supervisor'), family: 'supervisor.read' },
  { methods: 'read', path: under('/api/search'), family: 'read' },
  { methods: 'write', path: /^\/api\/conversations\/[^/]+\/take-over$/, family: 'conversation.take_over' },
  { methods: 'write', path: under('/api/conversations'), family: 'conversation.write' },
  { methods: 'write', path: under('/api/contacts'), family: 'conversation.write' },
  { methods: 'write', path: /^\/api\/messages\/([^/]+\/)?resolve$/, family: 'messages.resolve' },
  { methods: 'write', path: under('/api/messages'), family: 'message.send' },
  { methods: 'write', path: under('/api/media'), family: 'message.send' },
  { methods: 'any', path: under('/api/integrations'), family: 'integrations' },
  { methods: 'any', path: under('/api/users'), family: 'users' },
  { methods: 'any', path: under('/api/security-log'), family: 'security.log' },
  { methods: 'read', path: under('/api/reports'), family: 'reports.read' },
  { methods: 'write', path: under('/api/reports'), family: 'reports.write' },
  { methods: 'any', path: under('/api/tokens'), family: 'tokens' },
  // Flows and the knowledge base: supervisors and up build them; a flow's signing secret and the
  // AI settings (an outside provider and its key): owners and admins.
  { methods: 'read', path: /^\/api\/flows\/[^/]+\/signing-secret$/, family: 'flows.secrets' },
  { methods: 'write', path: under('/api/flows'), family: 'flows.write' },
  { methods: 'write', path: under('/api/knowledge'), family: 'flows.write' },
  { methods: 'any', path: under('/api/ai-settings'), family: 'flows.secrets' },
  // Rules, routing policies, agents' routing profiles, business hours, VIPs: supervisors and up.
  { methods: 'write', path: under('/api/automation'), family: 'automation.write' },
  { methods: 'write', path: under('/api/routing'), family: 'automation.write' },
  { methods: 'read', path: under('/api/settings'), family: 'settings.read' },
  { methods: 'write', path: under('/api/settings'), family: 'settings.write' },
  { methods: 'write', path: under('/api/teams'), family: 'teams.write' },
  { methods: 'write', path: under('/api/labels'), family: 'labels.write' },
  { methods: 'write', path: under('/api/canned-replies'), family: 'canned.write' },
  { methods: 'write', path: under('/api/numbers'), family: 'numbers.write' },
  { methods: 'write', path: under('/api/failures'), family: 'failures.retry' },
  { methods: 'write', path: under('/api/alerts'), family: 'alerts.resolve' },
  { methods: 'write', path: /^\/api\/templates\/sync$/, family: 'templates.sync' },
  { methods: 'delete', path: under('/api/templates'), family: 'templates.delete' },
  { methods: 'write', path: under('/api/templates'), family: 'templates.write' },
  { methods: 'write', path: under('/api/campaigns'), family: 'campaigns.write' },
  // Consent: a number's settings (policy, keywords, replies) are admins'; the export (IPs, evidence)
  // leads' and auditors'; recording for a contact is /api/contacts (agents, with a note).
  { methods: 'read', path: /^\/api\/consent\/export\.csv$/, family: 'supervisor.read' },
  { methods: 'read', path: under('/api/consent'), family: 'read' },
  { methods: 'write', path: under('/api/consent'), family: 'numbers.write' },
  // Audiences: segments and contact imports, by whoever runs campaigns.
  { methods: 'read', path: under('/api/segments'), family: 'read' },
  { methods: 'write', path: under('/api/segments'), family: 'campaigns.write' },
  { methods: 'read', path: under('/api/contact-imports'), family: 'read' },
  { methods: 'write', path: under('/api/contact-imports'), family: 'campaigns.write' },
];

export function isReadMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/** The family of a route, from its method and its path (the route pattern or the concrete path). */
export function routeFamily(method: string, path: string): RouteFamily {
  const read = isReadMethod(method.toUpperCase());
  const clean = path.split('?')[0] ?? path;
  for (const rule of rules) {
    if (rule.methods === 'read' && !read) continue;
    if (rule.methods === 'write' && read) continue;
    if (rule.methods === 'delete' && method.toUpperCase() !== 'DELETE') continue;
    if (rule.path.test(clean)) return rule.family;
  }
  return read ? 'read' : 'admin.write';
}

export function isAllowed(role: Role, family: RouteFamily): boolean {
  return policy[family].includes(role);
}

/**
 * Whether the principal may use a family: its role must be allowed and, for a token issued by a
 * user, so must the user's current role. Capping by capability rather than by a rank keeps a token
 * from keeping what its user lost sideways (an auditor's token of a user who is now an agent cannot
 * read the supervisor view).
 */
export function principalMay(
  principal: Pick<Principal, 'role' | 'ceiling' | 'providerAdmin' | 'kind'>,
  family: RouteFamily,
): boolean {
  // Provider administration is a user's, in a session: never a token's.
  if (family === 'provider') return principal.providerAdmin === true && principal.kind !== 'token';
  return (
    isAllowed(principal.role, family) &&
    (principal.ceiling === undefined || isAllowed(principal.ceiling, family))
  );
}

/** Throws FORBIDDEN unless the principal may use the route. */
export function assertAllowed(principal: Principal, method: string, path: string): RouteFamily {
  const family = routeFamily(method, path);
  if (!principalMay(principal, family)) throw new AppError('FORBIDDEN');
  if (principal.scope !== undefined && !scopeAllows(principal.scope, method, family))
    throw new AppError('TOKEN_SCOPE_INSUFFICIENT');
  return family;
}

/** What an API token's scope lets it send: `send` adds to reading only sending and conversation work. */
const SEND_FAMILIES: readonly RouteFamily[] = ['message.send', 'conversation.write', 'labels.write'];

/**
 * Whether a token scope allows a request, on top of its role: `read` only reads, `send` reads and
 * sends messages, acts on conversations and writes contacts, `admin` is everything its role allows.
 */
export function scopeAllows(scope: TokenScope, method: string, family: RouteFamily): boolean {
  if (scope === 'admin') return true;
  if (isReadMethod(method.toUpperCase())) return true;
  return scope === 'send' && SEND_FAMILIES.includes(family);
}

/**
 * What the web app asks before it shows a control, each named capability read from one family of
 * the table, so the browser never re-encodes roles.
 */
export const capabilities = {
  /** Reply, assign, label, note and mark conversations read. */
  act: 'conversation.write',
  /** Send messages and upload media. */
  send: 'message.send',
  /** Take a conversation over from another agent. */
  take_over: 'conversation.take_over',
  /** Open the supervisor view (auditors read it too). */
  supervise: 'supervisor.read',
  /** Resolve a send whose outcome is unknown. */
  resolve_sends: 'messages.resolve',
  /** Create, edit and delete canned replies. */
  manage_canned_replies: 'canned.write',
  /** Manage users, teams and tokens: the settings pages. */
  administer: 'users',
  /** Change the hub's own settings (owner only). */
  change_settings: 'settings.write',
  /** Register numbers and request syncs. */
  manage_numbers: 'numbers.write',
  /** Retry processing failures. */
  retry_failures: 'failures.retry',
  /** Resolve alerts. */
  resolve_alerts: 'alerts.resolve',
  /** Sync templates from Meta. */
  sync_templates: 'templates.sync',
  /** Create and edit templates (submitted to Meta for review). */
  manage_templates: 'templates.write',
  /** Delete templates at Meta. */
  delete_templates: 'templates.delete',
  /** Create, schedule, pause, resume and cancel campaigns. */
  manage_campaigns: 'campaigns.write',
  /** Search the compliance archive, verify it and export from it (auditors: read-only otherwise). */
  audit: 'audit',
  /** Place and release legal holds, set retention classes, erase contacts (auditors see, change nothing). */
  manage_holds: 'audit.hold',
  /** Manage outbound webhook endpoints and their deliveries. */
  manage_integrations: 'integrations',
  /** Read the security log (sign-ins, lockouts, credential changes, user and token administration). */
  read_security_log: 'security.log',
  /** Read the analytics reports (supervisors and up). */
  view_reports: 'reports.read',
  /** Change report settings (business hours, SLA targets, CSAT) and recompute the rollups. */
  manage_reports: 'reports.write',
  /** Build flows and the knowledge base, and try flows in the test panel. */
  manage_flows: 'flows.write',
  /** Set a number's AI reply provider and key; read a flow's signing secret. */
  manage_ai: 'flows.secrets',
  /** Manage rules, routing policies, agents' routing profiles, business hours and VIPs. */
  manage_automation: 'automation.write',
  /** Create organisations and invite their owners (the provider administrator). */
  administer_provider: 'provider',
} as const satisfies Record<string, RouteFamily>;

export type Capability = keyof typeof capabilities;

/** The principal's capabilities, as `GET /api/me` returns them. */
export function capabilitiesOf(
  principal: Pick<Principal, 'role' | 'ceiling' | 'providerAdmin' | 'kind'>,
): Record<Capability, boolean> {
  const can = {} as Record<Capability, boolean>;
  for (const [name, family] of Object.entries(capabilities) as [Capability, RouteFamily][]) {
    can[name] = principalMay(principal, family);
  }
  return can;
}
