import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { masterKeyringOf } from '../platform/crypto/keyring.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses, ZNoContent } from '../platform/http/api-schemas.ts';
import { originOf, recordSecurityEvent, type SecurityEventKind } from '../security/security-log.ts';
import { getSettings } from '../settings/settings.ts';
import { setPresence } from '../users/presence.ts';
import { toApiUser } from '../users/user.mapper.ts';
import type { UserRow } from '../users/user.table.ts';
import { findUser, findUserByEmail, mfaRequiredFor, principalForUser } from '../users/users.repository.ts';
import {
  ZChangePasswordRequest,
  ZDisableMfaRequest,
  ZLoginRequest,
  ZMeResponse,
  ZMfaCodeRequest,
  ZMfaEnrolmentResponse,
  ZRecoveryCodesResponse,
  ZSessionResponse,
  ZSetPresenceRequest,
  ZSetPresenceResponse,
  ZSwitchOrganisationRequest,
  ZUpdateMeRequest,
} from './auth.schemas.ts';
import {
  DEVICE_COOKIE,
  DEVICE_COOKIE_MAX_AGE_MS,
  issueDeviceCookie,
  knownDeviceOf,
  PLAIN_HTTP_DEVICE_COOKIE,
} from './device-cookie.ts';
import {
  confirmMfaEnrolment,
  disableMfa,
  regenerateRecoveryCodes,
  remainingRecoveryCodes,
  startMfaEnrolment,
  verifySecondFactor,
} from './mfa.ts';
import { DEFAULT_ORGANISATION_ID, organisationsOfUser } from './organisation-scope.ts';
import { hashPassword, verifyDecoy, verifyPassword } from './passwords.ts';
import { capabilitiesOf } from './policy.ts';
import { principalOf } from './principal.ts';
import { requestUser } from './request-user.ts';
import {
  CSRF_COOKIE,
  createSession,
  markSessionMfaOk,
  PLAIN_HTTP_SESSION_COOKIE,
  revokeSession,
  revokeUserSessions,
  SESSION_COOKIE,
  SESSION_MAX_AGE_MS,
  serializeCookie,
} from './sessions.ts';
import {
  beginLoginAttempt,
  countLoginAttempt,
  loginSucceeded,
  refundLoginAttempt,
  type ThrottleKeys,
} from './throttle.ts';

function isSecure(deps: AppDeps, request: FastifyRequest): boolean {
  return request.protocol === 'https' || (deps.config.publicUrl?.startsWith('https:') ?? false);
}

function setSessionCookies(
  reply: FastifyReply,
  input: { sessionId: string; csrfToken: string; secure: boolean; maxAgeMs: number | null },
): void {
  reply.header('set-cookie', [
    serializeCookie(input.secure ? SESSION_COOKIE : PLAIN_HTTP_SESSION_COOKIE, input.sessionId, {
      httpOnly: true,
      secure: input.secure,
      maxAgeMs: input.maxAgeMs,
    }),
    serializeCookie(CSRF_COOKIE, input.csrfToken, {
      httpOnly: false,
      secure: input.secure,
      maxAgeMs: input.maxAgeMs,
    }),
  ]);
}

/** What `GET /api/me` and a successful login return. */
async function meBody(deps: AppDeps, request: FastifyRequest, user: UserRow) {
  const db = deps.database.db;
  const settings = await getSettings(db);
  // At login the request has no principal yet: the session starts in the user's first organisation.
  const principal =
    request.principal ?? (await principalForUser(db, user, request.accountSession?.session.organisation_id));
  const organisations = await organisationsOfUser(db, user);
  const current = organisations.find((o) => o.id === principal.organisationId) ?? {
    id: principal.organisationId ?? DEFAULT_ORGANISATION_ID,
    name: '',
    role: principal.role,
  };
  // The user as this organisation sees them: their role is their membership's here.
  const api = await toApiUser(db, { ...user, role: principal.role }, deps.clock.now());
  return {
    organisation: { ...current, role: principal.role },
    organisations,
    provider_admin: user.provider_admin === 1,
    user: api,
    mfa_required: mfaRequiredFor(user.role, settings),
    mfa_enrolment_required: user.mfa_enabled_at === null && mfaRequiredFor(user.role, settings),
    recovery_codes_remaining: user.mfa_enabled_at === null ? 0 : await remainingRecoveryCodes(db, user.id),
    csrf_token: request.accountSession?.session.csrf_token ?? null,
    can: capabilitiesOf(principal),
  };
}

/** Login, logout, the caller's own account, MFA enrolment and presence. */
export function authRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    /** Counts an attempt for the throttle, refusing it with `429 LOGIN_THROTTLED` while a key is locked. */
    async function countAttempt(reply: FastifyReply, keys: ThrottleKeys, now: number): Promise<void> {
      const until = await beginLoginAttempt(db, keys, now);
      if (until !== null) throw throttled(reply, until, now);
    }

    /** Logs a refused sign-in (wrong credentials, wrong code, a lock), never what was typed but the email. */
    async function signInRefused(
      request: FastifyRequest<{ Body: { email: string; recovery_code?: string | undefined } }>,
      error: unknown,
      now: number,
    ): Promise<void> {
      if (!(error instanceof AppError) || error.code === 'MFA_REQUIRED') return;
      const throttledNow = error.code === 'LOGIN_THROTTLED';
      const target = await findUserByEmail(db, request.body.email);
      await recordSecurityEvent(db, {
        kind: throttledNow ? 'lockout' : 'sign_in',
        outcome: throttledNow ? 'refused' : 'failed',
        targetUserId: target?.id ?? null,
        email: request.body.email,
        origin: originOf(request),
        details: {
          reason:
            error.code === 'MFA_INVALID'
              ? 'second_factor'
              : error.code === 'LOGIN_FAILED'
                ? target
                  ? target.disabled_at !== null
                    ? 'disabled'
                    : 'password'
                  : 'unknown_account'
                : error.code === 'LOGIN_THROTTLED'
                  ? 'throttled'
                  : error.code,
        },
        at: now,
      });
    }

    function throttled(reply: FastifyReply, until: number, now: number): AppError {
      const seconds = Math.ceil((until - now) / 1000);
      reply.header('retry-after', String(seconds));
      return new AppError('LOGIN_THROTTLED', undefined, { retry_after_seconds: seconds });
    }

    /**
     * Checks a password or a code a signed-in user typed, under the same throttle as logging in:
     * whoever holds a session (a borrowed laptop) cannot guess the password or codes without end.
     */
    async function checkSecret(
      request: FastifyRequest,
      reply: FastifyReply,
      email: string,
      now: number,
      check: () => Promise<AppError | null>,
    ): Promise<void> {
      const keys = { account: email, ip: request.ip };
      try {
        await countAttempt(reply, keys, now);
        const failure = await check();
        if (failure) throw failure;
      } catch (error) {
        const code = error instanceof AppError ? error.code : 'INTERNAL';
        await recordSecurityEvent(db, {
          kind: code === 'LOGIN_THROTTLED' ? 'lockout' : 'reauthentication',
          outcome: code === 'LOGIN_THROTTLED' ? 'refused' : 'failed',
          actor: request.principal ?? null,
          targetUserId: request.principal?.userId ?? null,
          email,
          origin: originOf(request),
          details: { route: request.routeOptions.url ?? null, reason: code },
          at: now,
        });
        throw error;
      }
      await loginSucceeded(db, keys);
    }

    /** Logs a change to the caller's own account. */
    async function ownEvent(request: FastifyRequest, user: UserRow, kind: SecurityEventKind): Promise<void> {
      await recordSecurityEvent(db, {
        kind,
        actor: principalOf(request),
        targetUserId: user.id,
        email: user.email,
        origin: originOf(request),
        at: deps.clock.now(),
      });
    }

    app.post(
      '/api/auth/login',
      { schema: { body: ZLoginRequest, response: { 200: ZSessionResponse, ...errorResponses } } },
      async (request, reply) => {
        const now = deps.clock.now();
        try {
          const { email, password, code, recovery_code } = request.body;
          // A browser that signed in to this account before is throttled on its own (device-cookie.ts),
          // so a stranger's lock on the account does not keep its owner out.
          const device = knownDeviceOf({
            keyring: masterKeyringOf(deps.config),
            cookieHeader: request.headers.cookie,
            email,
            httpsHub: deps.config.publicUrl?.startsWith('https:') ?? false,
          });
          const keys = { account: device ? `device:${device}` : email.trim(), ip: request.ip };
          const locks = await countLoginAttempt(db, keys, now);
          if (locks.ipUntil !== null)
            throw throttled(reply, Math.max(locks.ipUntil, locks.accountUntil ?? 0), now);
          // A locked account still opens to its password *and* a valid second factor, so guessing
          // strangers cannot keep its owner out; any other attempt, right or wrong, hears only 429.
          const accountUntil = locks.accountUntil;
          if (accountUntil !== null && !code && !recovery_code) throw throttled(reply, accountUntil, now);
          const fail = (error: AppError) =>
            accountUntil !== null ? throttled(reply, accountUntil, now) : error;
          const user = await findUserByEmail(db, email);
          const passwordOk =
            user && user.disabled_at === null
              ? await verifyPassword(user.password_hash, password)
              : await verifyDecoy(password);
          if (!user || !passwordOk) throw fail(new AppError('LOGIN_FAILED'));
          if (user.mfa_enabled_at !== null) {
            if (!code && !recovery_code) {
              await refundLoginAttempt(db, keys);
              throw new AppError('MFA_REQUIRED');
            }
            const ok = await verifySecondFactor(db, {
              user,
              code,
              recoveryCode: recovery_code,
              now,
              keyring: masterKeyringOf(deps.config),
            });
            if (!ok) throw fail(new AppError('MFA_INVALID'));
          } else if (accountUntil !== null) {
            throw fail(new AppError('LOGIN_FAILED'));
          }
          await loginSucceeded(db, keys);
          const settings = await getSettings(db);
          const mfaOk = user.mfa_enabled_at !== null || !mfaRequiredFor(user.role, settings);
          const session = await createSession(db, {
            userId: user.id,
            mfaOk,
            ip: request.ip,
            userAgent: request.headers['user-agent'] ?? null,
            now,
          });
          await db.updateTable('users').set({ last_login_at: now }).where('id', '=', user.id).execute();
          setSessionCookies(reply, {
            ...session,
            secure: isSecure(deps, request),
            maxAgeMs: SESSION_MAX_AGE_MS,
          });
          const secure = isSecure(deps, request);
          reply.header(
            'set-cookie',
            serializeCookie(
              secure ? DEVICE_COOKIE : PLAIN_HTTP_DEVICE_COOKIE,
              issueDeviceCookie(masterKeyringOf(deps.config), email),
              { httpOnly: true, secure, maxAgeMs: DEVICE_COOKIE_MAX_AGE_MS },
            ),
          );
          await recordSecurityEvent(db, {
            kind: 'sign_in',
            actor: { kind: 'user', id: user.id, userId: user.id },
            targetUserId: user.id,
            email,
            origin: originOf(request),
            details: {
              second_factor:
                user.mfa_enabled_at !== null ? (recovery_code ? 'recovery_code' : 'totp') : 'none',
              known_device: device !== null,
            },
            at: now,
          });
          const body = await meBody(deps, request, { ...user, last_login_at: now });
          return { ...body, csrf_token: session.csrfToken };
        } catch (error) {
          await signInRefused(request, error, now);
          throw error;
        }
      },
    );

    app.post(
      '/api/auth/logout',
      { schema: { response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        const ctx = request.accountSession;
        if (ctx) await revokeSession(db, ctx.cookieValue, deps.clock.now());
        deps.signals.emit('credentials');
        if (request.principal?.userId) {
          await recordSecurityEvent(db, {
            kind: 'sign_out',
            actor: request.principal,
            targetUserId: request.principal.userId,
            origin: originOf(request),
            at: deps.clock.now(),
          });
        }
        setSessionCookies(reply, {
          sessionId: '',
          csrfToken: '',
          secure: isSecure(deps, request),
          maxAgeMs: 0,
        });
        return reply.code(204).send();
      },
    );

    app.get('/api/me', { schema: { response: { 200: ZMeResponse, ...errorResponses } } }, async (request) => {
      const principal = principalOf(request);
      if (!principal.userId) {
        return {
          token: {
            id: principal.id,
            role: principal.role,
            waba_ids: principal.wabaIds ? [...principal.wabaIds] : null,
            organisation_id: principal.organisationId ?? null,
          },
          user: null,
          can: capabilitiesOf(principal),
        };
      }
      return meBody(deps, request, await requestUser(deps, request));
    });

    app.post(
      '/api/me/organisation',
      {
        schema: {
          body: ZSwitchOrganisationRequest,
          response: { 200: ZSessionResponse, ...errorResponses },
        },
      },
      async (request) => {
        const user = await requestUser(deps, request);
        const ctx = request.accountSession;
        // A token belongs to one organisation; only a session moves between them.
        if (!ctx) throw new AppError('FORBIDDEN', 'Only a signed-in session switches organisation.');
        const target = request.body.organisation_id;
        const allowed = (await organisationsOfUser(db, user)).some((o) => o.id === target);
        if (!allowed) throw new AppError('NOT_FOUND', 'No such organisation.');
        await db
          .updateTable('sessions')
          .set({ organisation_id: target })
          .where('id', '=', ctx.session.id)
          .execute();
        // Streams of this session re-authorise now and show the new organisation's events only.
        deps.signals.emit('credentials');
        request.principal = await principalForUser(db, (await findUser(db, user.id))!, target);
        request.accountSession = { ...ctx, session: { ...ctx.session, organisation_id: target } };
        await recordSecurityEvent(db, {
          kind: 'organisation.switched',
          actor: request.principal,
          targetUserId: user.id,
          origin: originOf(request),
          details: { organisation_id: target },
          at: deps.clock.now(),
        });
        return meBody(deps, request, user);
      },
    );

    app.post(
      '/api/me/presence',
      { schema: { body: ZSetPresenceRequest, response: { 200: ZSetPresenceResponse, ...errorResponses } } },
      async (request) => {
        const user = await requestUser(deps, request);
        await setPresence(db, { userId: user.id, status: request.body.status, now: deps.clock.now() });
        return { presence: request.body.status };
      },
    );

    app.patch(
      '/api/me',
      { schema: { body: ZUpdateMeRequest, response: { 200: ZSessionResponse, ...errorResponses } } },
      async (request) => {
        const user = await requestUser(deps, request);
        const now = deps.clock.now();
        await db
          .updateTable('users')
          .set({ language: request.body.language, updated_at: now })
          .where('id', '=', user.id)
          .execute();
        return meBody(deps, request, { ...user, language: request.body.language, updated_at: now });
      },
    );

    app.post(
      '/api/auth/password',
      {
        schema: { body: ZChangePasswordRequest, response: { 204: ZNoContent, ...errorResponses } },
      },
      async (request, reply) => {
        const user = await requestUser(deps, request);
        const now = deps.clock.now();
        await checkSecret(request, reply, user.email, now, () =>
          verifyPassword(user.password_hash, request.body.current_password).then((ok) =>
            ok ? null : new AppError('PASSWORD_INCORRECT', 'The current password is wrong.'),
          ),
        );
        await db
          .updateTable('users')
          .set({ password_hash: await hashPassword(request.body.new_password), updated_at: now })
          .where('id', '=', user.id)
          .execute();
        await revokeUserSessions(db, user.id, now, { exceptSessionHash: request.accountSession?.session.id });
        deps.signals.emit('credentials');
        await ownEvent(request, user, 'password.changed');
        return reply.code(204).send();
      },
    );

    app.post(
      '/api/auth/mfa/enrol',
      { schema: { response: { 200: ZMfaEnrolmentResponse, ...errorResponses } } },
      async (request) => {
        const user = await requestUser(deps, request);
        if (user.mfa_enabled_at !== null) throw new AppError('CONFLICT', 'MFA is already enabled.');
        const enrolment = await startMfaEnrolment(db, user, deps.clock.now(), masterKeyringOf(deps.config));
        return {
          secret: enrolment.secret,
          otpauth_url: enrolment.otpauthUrl,
          qr_data_url: enrolment.qrDataUrl,
        };
      },
    );

    app.post(
      '/api/auth/mfa/confirm',
      { schema: { body: ZMfaCodeRequest, response: { 200: ZRecoveryCodesResponse, ...errorResponses } } },
      async (request) => {
        const user = await requestUser(deps, request);
        if (user.mfa_enabled_at !== null) throw new AppError('CONFLICT', 'MFA is already enabled.');
        const { recoveryCodes } = await confirmMfaEnrolment(db, {
          userId: user.id,
          code: request.body.code,
          now: deps.clock.now(),
          keyring: masterKeyringOf(deps.config),
        });
        // Sessions opened before MFA existed (on other devices) end; this one continues.
        await revokeUserSessions(db, user.id, deps.clock.now(), {
          exceptSessionHash: request.accountSession?.session.id,
        });
        deps.signals.emit('credentials');
        if (request.accountSession) await markSessionMfaOk(db, request.accountSession.session.id);
        await ownEvent(request, user, 'mfa.enrolled');
        return { recovery_codes: recoveryCodes };
      },
    );

    app.post(
      '/api/auth/mfa/recovery-codes',
      { schema: { body: ZMfaCodeRequest, response: { 200: ZRecoveryCodesResponse, ...errorResponses } } },
      async (request, reply) => {
        const user = await requestUser(deps, request);
        if (user.mfa_enabled_at === null) throw new AppError('CONFLICT', 'Two-factor authentication is off.');
        const now = deps.clock.now();
        // A current authenticator code, not a recovery code: losing the codes must not be enough.
        await checkSecret(request, reply, user.email, now, async () =>
          (await verifySecondFactor(db, {
            user,
            code: request.body.code,
            now,
            keyring: masterKeyringOf(deps.config),
          }))
            ? null
            : new AppError('MFA_INVALID'),
        );
        const { recoveryCodes } = await regenerateRecoveryCodes(db, { userId: user.id, now });
        await ownEvent(request, user, 'mfa.recovery_codes');
        return { recovery_codes: recoveryCodes };
      },
    );

    app.post(
      '/api/auth/mfa/disable',
      {
        schema: { body: ZDisableMfaRequest, response: { 204: ZNoContent, ...errorResponses } },
      },
      async (request, reply) => {
        const user = await requestUser(deps, request);
        if (mfaRequiredFor(user.role, await getSettings(db))) {
          throw new AppError('FORBIDDEN', 'Your role requires two-factor authentication.');
        }
        const now = deps.clock.now();
        await checkSecret(request, reply, user.email, now, async () => {
          if (!(await verifyPassword(user.password_hash, request.body.password))) {
            return new AppError('PASSWORD_INCORRECT', 'The password is wrong.');
          }
          return (await verifySecondFactor(db, {
            user,
            code: request.body.code,
            now,
            keyring: masterKeyringOf(deps.config),
          }))
            ? null
            : new AppError('MFA_INVALID');
        });
        await disableMfa(db, user.id, now);
        await ownEvent(request, user, 'mfa.disabled');
        return reply.code(204).send();
      },
    );
  };
}
