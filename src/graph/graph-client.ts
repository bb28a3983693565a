import { Agent, buildConnector, request as undiciRequest } from 'undici';
import type { SendableContent } from '../messages/content.ts';
import { graphPath, invalidGraphIdError, isGraphId } from './graph-ids.ts';
import type { GraphError, GraphPhoneNumber, GraphResult, GraphTemplate, SendOutcome } from './graph-types.ts';
import { toSendBody } from './send-body.ts';

export type GraphClientOptions = {
  /** `https://graph.facebook.com`, or the sandbox's URL. */
  readonly baseUrl: string;
  readonly version: string;
  readonly accessToken: string | undefined;
  /** Per-request timeout; a send that times out is `unknown`. Default 15 s. */
  readonly timeoutMs?: number;
  /**
   * Per-WABA credentials: the token for a call about a number or a WABA (the business token from
   * Embedded Signup); `undefined` = `accessToken`, the configuration's.
   */
  readonly tokenFor?: GraphTokenSource;
};

/** What a Graph call is about, for picking its token. */
export type GraphScope = { readonly phoneNumberId?: string; readonly wabaId?: string };

/** Picks a call's token from its scope (`undefined`: the configuration's token). */
export type GraphTokenSource = ((scope: GraphScope) => Promise<string | undefined>) & {
  /** Drops remembered answers (after a WABA's token was stored or forgotten). */
  invalidate?(): void;
};

/** A message to send, in the hub's own terms; the client turns it into Meta's body. */
export type SendRequest = {
  readonly phoneNumberId: string;
  /** The recipient's phone number (digits) or, without one, their BSUID. */
  readonly to: { readonly waId: string | null; readonly bsuid: string | null };
  readonly content: SendableContent;
  /** wamid of the message this one quotes. */
  readonly contextWamid: string | null;
  /** Returned by Meta in every status webhook of the message: the hub's message id. */
  readonly callbackData: string;
};

/** The one client of Meta's Graph API; every Graph request and response shape lives behind it. */
export type GraphClient = {
  sendMessage(request: SendRequest): Promise<SendOutcome>;
  markRead(input: { phoneNumberId: string; wamid: string; typing: boolean }): Promise<GraphResult<true>>;
  uploadMedia(input: {
    phoneNumberId: string;
    bytes: Uint8Array;
    mimeType: string;
    filename: string;
  }): Promise<GraphResult<{ id: string }>>;
  /**
   * Downloads received media by Meta's media id: `GET /{media-id}` for a short-lived URL, then the
   * bytes from that URL with the token (a fresh URL once more if the first one has expired).
   */
  downloadMedia(input: {
    mediaId: string;
    phoneNumberId: string;
    maxBytes: number;
  }): Promise<GraphResult<{ bytes: Buffer; mimeType: string | null; sha256: string | null }>>;
  getPhoneNumber(phoneNumberId: string): Promise<GraphResult<GraphPhoneNumber>>;
  /**
   * `GET /{waba_id}/phone_numbers`: the ids of the numbers Graph lists under a business account
   * (every page), so a number is filed only under the account it belongs to.
   */
  listPhoneNumberIds(wabaId: string): Promise<GraphResult<string[]>>;
  listTemplates(wabaId: string): Promise<GraphResult<GraphTemplate[]>>;
  /** `GET /{waba_id}/subscribed_apps`: the apps whose webhooks the account sends (empty = none, ours missing). */
  listSubscribedApps(wabaId: string): Promise<GraphResult<{ id: string | null; name: string | null }[]>>;
  /** `POST /{waba_id}/message_templates`: submits a template for review (status PENDING). */
  createTemplate(
    wabaId: string,
    template: {
      name: string;
      language: string;
      category: string;
      parameterFormat: 'named' | 'positional';
      components: unknown[];
    },
  ): Promise<GraphResult<{ id: string; status: string; category: string | null }>>;
  /** `POST /{template_id}`: edits components (and the category of a template not yet approved). */
  editTemplate(
    templateId: string,
    edit: { components?: unknown[]; category?: string },
  ): Promise<GraphResult<true>>;
  /**
   * Meta's Resumable Upload API: `POST /{app_id}/uploads` opens a session, `POST /upload:…` (header
   * `file_offset: 0`, `Authorization: OAuth`) sends the bytes and answers the handle a template's
   * media header takes as its sample (`example.header_handle`).
   */
  uploadTemplateSample(input: {
    appId: string;
    wabaId: string;
    bytes: Uint8Array;
    mimeType: string;
    filename: string;
  }): Promise<GraphResult<{ handle: string }>>;
  /** `DELETE /{waba_id}/message_templates?name&hsm_id`: deletes one language (with its id) or all. */
  deleteTemplate(
    wabaId: string,
    input: { name: string; templateId?: string | null },
  ): Promise<GraphResult<true>>;
  requestSmbAppData(input: {
    phoneNumberId: string;
    syncType: 'smb_app_state_sync' | 'history';
  }): Promise<GraphResult<{ requestId: string | null }>>;
  /**
   * `GET /oauth/access_token?client_id&client_secret&code`: Embedded Signup's code for the
   * business's token (no bearer token: the app's id and secret authenticate).
   */
  exchangeCode(input: {
    appId: string;
    appSecret: string;
    code: string;
  }): Promise<GraphResult<{ accessToken: string }>>;
  /** `POST /{waba_id}/subscribed_apps`: the app receives the WABA's webhooks at its callback. */
  subscribeApp(wabaId: string): Promise<GraphResult<true>>;
  /** `DELETE /{waba_id}/subscribed_apps`: the app stops receiving the WABA's webhooks. */
  unsubscribeApp(wabaId: string): Promise<GraphResult<true>>;
  /** Drops remembered per-WABA tokens (a WABA's token was stored or forgotten on this node). */
  forgetCachedTokens(): void;
};

type Json = Record<string, unknown>;

/** Marks an error raised while connecting: the request it belonged to never left. */
const NOT_SENT = Symbol('coexist.graph.notSent');

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null;

/** Reads Meta's error body; anything else becomes an error without a code. */
export function parseGraphError(httpStatus: number, body: unknown): GraphError {
  const e = (body as { error?: Json } | null)?.error;
  if (!e || typeof e !== 'object') {
    return {
      httpStatus,
      code: null,
      subcode: null,
      title: `HTTP ${httpStatus}`,
      message: `The Graph API answered HTTP ${httpStatus} without an error body.`,
      details: null,
      fbtraceId: null,
      isTransient: null,
    };
  }
  const data = (e.error_data ?? {}) as Json;
  const message = str(e.message) ?? `HTTP ${httpStatus}`;
  return {
    httpStatus,
    code: num(e.code),
    subcode: num(e.error_subcode),
    title: str(e.error_user_title) ?? str(e.title) ?? message,
    message,
    details: str(data.details) ?? str(e.error_user_msg),
    fbtraceId: str(e.fbtrace_id),
    isTransient: typeof e.is_transient === 'boolean' ? e.is_transient : null,
  };
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function networkError(reason: string, notSent = false): GraphError {
  return {
    ...(notSent ? { notSent: true } : {}),
    httpStatus: 0,
    code: null,
    subcode: null,
    title: 'Network error',
    message: reason,
    details: null,
    fbtraceId: null,
    isTransient: null,
  };
}

/** Creates the Graph API client for one configuration (base URL, version, token). */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const base = `${options.baseUrl.replace(/\/$/, '')}/${options.version}`;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const configBearer = `Bearer ${options.accessToken ?? ''}`;
  const bearer = async (scope: GraphScope | undefined): Promise<string> => {
    if (!scope || !options.tokenFor) return configBearer;
    const token = await options.tokenFor(scope);
    return token ? `Bearer ${token}` : configBearer;
  };

  type Raw = { status: number; body: unknown } | { status: 'network'; reason: string; sent: boolean };

  // undici's own client: the sender makes hundreds of calls a second, and fetch's web streams and
  // abort signals cost several times more CPU and garbage per call than `request`.
  const baseConnect = buildConnector({ timeout: Math.min(timeoutMs, 10_000) });
  // An error while connecting (refused, reset or timed out before the TCP/TLS handshake ended)
  // happened before a single byte of the request left: such a request was provably not sent.
  const connect: buildConnector.connector = (opts, callback) =>
    baseConnect(opts, (...args) => {
      const error = args[0];
      if (error) (error as { [NOT_SENT]?: boolean })[NOT_SENT] = true;
      callback(...args);
    });
  const dispatcher = new Agent({
    keepAliveTimeout: 10_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect,
  });

  async function call(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: Json | FormData,
    scope?: GraphScope,
  ): Promise<Raw> {
    if (body instanceof FormData) return callWithFetch(method, path, body, scope);
    const headers: Record<string, string> = { authorization: await bearer(scope) };
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let status: number;
    let text: string;
    try {
      const response = await undiciRequest(`${base}/${path}`, { method, headers, body: payload, dispatcher });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      const { code, syscall } = error as { code?: string; syscall?: string };
      // A failed connection never carried the request, and neither did a write the peer had
      // already closed the connection for (a kept-alive socket Meta let go of a moment before: the
      // request's last bytes never left, and a server acts on no request it has not read whole).
      // Anything after the request was written (a timeout, a reset while waiting) may have.
      const sent =
        (error as { [NOT_SENT]?: boolean })[NOT_SENT] !== true &&
        code !== 'ECONNREFUSED' &&
        code !== 'ENOTFOUND' &&
        !(syscall === 'write' && (code === 'ECONNRESET' || code === 'EPIPE'));
      return { status: 'network', reason: (error as Error).message, sent };
    }
    return { status, body: parseJson(text) };
  }

  /** A call the app's own credentials authenticate (the code exchange): no bearer token at all. */
  async function callWithoutToken(method: 'GET', path: string): Promise<Raw> {
    try {
      const response = await undiciRequest(`${base}/${path}`, { method, dispatcher });
      return { status: response.statusCode, body: parseJson(await response.body.text()) };
    } catch (error) {
      return { status: 'network', reason: (error as Error).message, sent: true };
    }
  }

  /** Multipart uploads (media) go through fetch, which builds the form body. */
  async function callWithFetch(
    method: string,
    path: string,
    body: FormData,
    scope?: GraphScope,
  ): Promise<Raw> {
    let response: Response;
    try {
      response = await fetch(`${base}/${path}`, {
        method,
        headers: { authorization: await bearer(scope) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      const sent = cause?.code !== 'ECONNREFUSED' && cause?.code !== 'ENOTFOUND';
      return { status: 'network', reason: (error as Error).message, sent };
    }
    return { status: response.status, body: parseJson(await response.text().catch(() => '')) };
  }

  async function simple<T>(raw: Raw, map: (body: Json) => T): Promise<GraphResult<T>> {
    if (raw.status === 'network') return { ok: false, error: networkError(raw.reason, !raw.sent) };
    if (raw.status >= 200 && raw.status < 300) return { ok: true, value: map((raw.body ?? {}) as Json) };
    return { ok: false, error: parseGraphError(raw.status, raw.body) };
  }

  return {
    async sendMessage(request) {
      if (!isGraphId(request.phoneNumberId)) {
        return { kind: 'rejected', error: invalidGraphIdError('phone number id') };
      }
      const raw = await call('POST', graphPath([request.phoneNumberId, 'messages']), toSendBody(request), {
        phoneNumberId: request.phoneNumberId,
      });
      if (raw.status === 'network') {
        if (!raw.sent) return { kind: 'unreachable', reason: raw.reason };
        return { kind: 'unknown', reason: raw.reason, error: null };
      }
      if (raw.status >= 200 && raw.status < 300) {
        const body = (raw.body ?? {}) as Json;
        const message = (Array.isArray(body.messages) ? body.messages[0] : null) as Json | null;
        const contact = (Array.isArray(body.contacts) ? body.contacts[0] : null) as Json | null;
        const wamid = str(message?.id);
        if (!wamid) return { kind: 'unknown', reason: 'accepted without a message id', error: null };
        return {
          kind: 'accepted',
          wamid,
          waId: str(contact?.wa_id),
          input: str(contact?.input),
          messageStatus: str(message?.message_status),
        };
      }
      const error = parseGraphError(raw.status, raw.body);
      // A 5xx may come after Meta took the message; only an answer below 500 proves it was not sent.
      if (raw.status >= 500) return { kind: 'unknown', reason: `HTTP ${raw.status}`, error };
      return { kind: 'rejected', error };
    },

    async markRead(input) {
      const body: Json = { messaging_product: 'whatsapp', status: 'read', message_id: input.wamid };
      if (input.typing) body.typing_indicator = { type: 'text' };
      if (!isGraphId(input.phoneNumberId))
        return { ok: false, error: invalidGraphIdError('phone number id') };
      return simple(
        await call('POST', graphPath([input.phoneNumberId, 'messages']), body, {
          phoneNumberId: input.phoneNumberId,
        }),
        () => true as const,
      );
    },

    async downloadMedia(input) {
      if (!isGraphId(input.phoneNumberId))
        return { ok: false, error: invalidGraphIdError('phone number id') };
      let lastError: GraphError | null = null;
      for (let attempt = 0; attempt < 2; attempt++) {
        const info = await call(
          'GET',
          graphPath([input.mediaId], { phone_number_id: input.phoneNumberId }),
          undefined,
          { phoneNumberId: input.phoneNumberId },
        );
        const meta = await simple(info, (b) => ({
          url: str(b.url),
          mimeType: str(b.mime_type),
          sha256: str(b.sha256),
          size: num(b.file_size),
        }));
        if (!meta.ok) return meta;
        if (!meta.value.url) return { ok: false, error: networkError('Meta gave no download URL.') };
        if (meta.value.size !== null && meta.value.size > input.maxBytes) {
          return { ok: false, error: networkError(`The file is larger than ${input.maxBytes} bytes.`) };
        }
        try {
          const response = await undiciRequest(meta.value.url, {
            method: 'GET',
            headers: { authorization: await bearer({ phoneNumberId: input.phoneNumberId }) },
            dispatcher,
          });
          if (response.statusCode === 200) {
            const chunks: Buffer[] = [];
            let size = 0;
            for await (const chunk of response.body) {
              size += (chunk as Buffer).length;
              if (size > input.maxBytes) {
                response.body.destroy();
                return { ok: false, error: networkError(`The file is larger than ${input.maxBytes} bytes.`) };
              }
              chunks.push(chunk as Buffer);
            }
            return {
              ok: true,
              value: {
                bytes: Buffer.concat(chunks),
                mimeType: meta.value.mimeType,
                sha256: meta.value.sha256,
              },
            };
          }
          const text = await response.body.text();
          lastError = parseGraphError(response.statusCode, parseJson(text));
          // The URL lives five minutes: on a 404 ask for a new one, once.
          if (response.statusCode !== 404) break;
        } catch (error) {
          return { ok: false, error: networkError((error as Error).message) };
        }
      }
      return { ok: false, error: lastError ?? networkError('The media could not be downloaded.') };
    },

    async uploadMedia(input) {
      const form = new FormData();
      form.set('messaging_product', 'whatsapp');
      form.set('type', input.mimeType);
      form.set('file', new Blob([new Uint8Array(input.bytes)], { type: input.mimeType }), input.filename);
      if (!isGraphId(input.phoneNumberId))
        return { ok: false, error: invalidGraphIdError('phone number id') };
      const scope = { phoneNumberId: input.phoneNumberId };
      return simple(await call('POST', graphPath([input.phoneNumberId, 'media']), form, scope), (b) => ({
        id: String(b.id),
      }));
    },

    async getPhoneNumber(phoneNumberId) {
      const fields =
        'display_phone_number,verified_name,is_on_biz_app,platform_type,throughput,quality_rating';
      if (!isGraphId(phoneNumberId)) return { ok: false, error: invalidGraphIdError('phone number id') };
      return simple(
        await call('GET', graphPath([phoneNumberId], { fields }), undefined, { phoneNumberId }),
        (b) => ({
          id: String(b.id ?? phoneNumberId),
          displayPhoneNumber: str(b.display_phone_number),
          verifiedName: str(b.verified_name),
          isOnBizApp: b.is_on_biz_app === true,
          platformType: str(b.platform_type),
          throughputLevel: str((b.throughput as Json | undefined)?.level),
          qualityRating: str(b.quality_rating),
        }),
      );
    },

    async listPhoneNumberIds(wabaId) {
      if (!isGraphId(wabaId)) return { ok: false, error: invalidGraphIdError('WABA id') };
      const ids: string[] = [];
      let query: Record<string, string> | null = { fields: 'id', limit: '100' };
      for (let page = 0; query !== null && page < 20; page++) {
        const raw = await call('GET', graphPath([wabaId, 'phone_numbers'], query), undefined, { wabaId });
        if (raw.status === 'network') return { ok: false, error: networkError(raw.reason) };
        if (raw.status < 200 || raw.status >= 300)
          return { ok: false, error: parseGraphError(raw.status, raw.body) };
        const body = (raw.body ?? {}) as Json;
        for (const n of (Array.isArray(body.data) ? body.data : []) as Json[]) {
          const id = str(n.id);
          if (id) ids.push(id);
        }
        // Meta pages with cursors; `next` is there only while there is another page.
        const after = str(((body.paging as Json | undefined)?.cursors as Json | undefined)?.after);
        const next = str((body.paging as Json | undefined)?.next);
        query = next && after ? { fields: 'id', limit: '100', after } : null;
      }
      return { ok: true, value: ids };
    },

    async listSubscribedApps(wabaId) {
      if (!isGraphId(wabaId)) return { ok: false, error: invalidGraphIdError('WABA id') };
      return simple(await call('GET', graphPath([wabaId, 'subscribed_apps']), undefined, { wabaId }), (b) =>
        ((Array.isArray(b.data) ? b.data : []) as Json[]).map((entry) => {
          const app = (entry.whatsapp_business_api_data ?? entry) as Json;
          return { id: str(app.id), name: str(app.name) };
        }),
      );
    },

    async listTemplates(wabaId) {
      const all: GraphTemplate[] = [];
      if (!isGraphId(wabaId)) return { ok: false, error: invalidGraphIdError('WABA id') };
      let path: string | null = graphPath([wabaId, 'message_templates'], { limit: '100' });
      for (let page = 0; path !== null && page < 100; page++) {
        const raw = await call('GET', path, undefined, { wabaId });
        if (raw.status === 'network') return { ok: false, error: networkError(raw.reason) };
        if (raw.status < 200 || raw.status >= 300)
          return { ok: false, error: parseGraphError(raw.status, raw.body) };
        const body = (raw.body ?? {}) as Json;
        for (const t of (Array.isArray(body.data) ? body.data : []) as Json[]) {
          all.push({
            id: String(t.id),
            name: String(t.name),
            language: String(t.language),
            status: String(t.status ?? 'PENDING'),
            category: str(t.category),
            parameterFormat: str(t.parameter_format),
            components: Array.isArray(t.components) ? t.components : [],
            rejectedReason: str(t.rejected_reason),
          });
        }
        const after = str(((body.paging as Json | undefined)?.cursors as Json | undefined)?.after);
        const next = str((body.paging as Json | undefined)?.next);
        path = next && after ? graphPath([wabaId, 'message_templates'], { limit: '100', after }) : null;
      }
      return { ok: true, value: all };
    },

    async createTemplate(wabaId, t) {
      if (!isGraphId(wabaId)) return { ok: false, error: invalidGraphIdError('WABA id') };
      const raw = await call(
        'POST',
        graphPath([wabaId, 'message_templates']),
        {
          name: t.name,
          language: t.language,
          category: t.category,
          parameter_format: t.parameterFormat,
          components: t.components,
        },
        { wabaId },
      );
      return simple(raw, (b) => ({
        id: String(b.id),
        status: str(b.status) ?? 'PENDING',
        category: str(b.category),
      }));
    },

    async editTemplate(templateId, edit) {
      if (!isGraphId(templateId)) return { ok: false, error: invalidGraphIdError('template id') };
      const body: Json = {};
      if (edit.components !== undefined) body.components = edit.components;
      if (edit.category !== undefined) body.category = edit.category;
      const raw = await call('POST', graphPath([templateId]), body);
      return simple(raw, () => true as const);
    },

    async uploadTemplateSample(input) {
      if (!isGraphId(input.appId)) return { ok: false, error: invalidGraphIdError('app id') };
      if (!isGraphId(input.wabaId)) return { ok: false, error: invalidGraphIdError('WABA id') };
      const scope = { wabaId: input.wabaId };
      const query = {
        file_name: input.filename,
        file_length: String(input.bytes.length),
        file_type: input.mimeType,
      };
      const opened = await simple(
        await call('POST', graphPath([input.appId, 'uploads'], query), {}, scope),
        (b) => str(b.id),
      );
      if (!opened.ok) return opened;
      // The session id is Meta's own path (`upload:<key>?sig=<sig>`); nothing else may go there.
      const session = opened.value;
      if (!session || !/^upload:[A-Za-z0-9_=+/-]+(\?sig=[A-Za-z0-9_=+/-]+)?$/.test(session))
        return { ok: false, error: networkError('Meta answered no valid upload session id.', true) };
      try {
        const token = (await bearer(scope)).replace(/^Bearer /, '');
        const response = await undiciRequest(`${base}/${session}`, {
          method: 'POST',
          headers: { authorization: `OAuth ${token}`, file_offset: '0', 'content-type': input.mimeType },
          body: input.bytes,
          dispatcher,
        });
        const body = parseJson(await response.body.text());
        if (response.statusCode < 200 || response.statusCode >= 300)
          return { ok: false, error: parseGraphError(response.statusCode, body) };
        const handle = str((body as Json | null)?.h);
        if (!handle) return { ok: false, error: networkError('Meta answered the upload without a handle.') };
        return { ok: true, value: { handle } };
      } catch (error) {
        return { ok: false, error: networkError((error as Error).message) };
      }
    },

    async deleteTemplate(wabaId, input) {
      if (!isGraphId(wabaId)) return { ok: false, error: invalidGraphIdError('WABA id') };
      const query: Record<string, string> = { name: input.name };
      if (input.templateId) query.hsm_id = input.templateId;
      const raw = await call('DELETE', graphPath([wabaId, 'message_templates'], query), undefined, {
        wabaId,
      });
      return simple(raw, () => true as const);
    },

    async requestSmbAppData(input) {
      if (!isGraphId(input.phoneNumberId))
        return { ok: false, error: invalidGraphIdError('phone number id') };
      const raw = await call(
        'POST',
        graphPath([input.phoneNumberId, 'smb_app_data']),
        { messaging_product: 'whatsapp', sync_type: input.syncType },
        { phoneNumberId: input.phoneNumberId },
      );
      return simple(raw, (b) => ({ requestId: str(b.request_id) }));
    },

    async exchangeCode(input) {
      const query = { client_id: input.appId, client_secret: input.appSecret, code: input.code };
      const raw = await callWithoutToken('GET', graphPath(['oauth', 'access_token'], query));
      const result = await simple(raw, (b) => ({ accessToken: str(b.access_token) ?? '' }));
      if (result.ok && !result.value.accessToken) {
        return {
          ok: false,
          error: parseGraphError(200, { error: { message: 'No access_token in the answer.' } }),
        };
      }
      return result;
    },

    async subscribeApp(wabaId) {
      if (!isGraphId(wabaId)) return { ok: false, error: invalidGraphIdError('WABA id') };
      return simple(
        await call('POST', graphPath([wabaId, 'subscribed_apps']), {}, { wabaId }),
        () => true as const,
      );
    },

    async unsubscribeApp(wabaId) {
      if (!isGraphId(wabaId)) return { ok: false, error: invalidGraphIdError('WABA id') };
      return simple(
        await call('DELETE', graphPath([wabaId, 'subscribed_apps']), undefined, { wabaId }),
        () => true as const,
      );
    },

    forgetCachedTokens() {
      options.tokenFor?.invalidate?.();
    },
  };
}

/**
 * The hub's Graph client from its configuration (one access token for every number for now). Built
 * once per hub where its dependencies are assembled (`AppDeps.graph`); every feature uses that one,
 * so its pool of connections is shared.
 */
export function graphClientFromConfig(
  config: {
    metaGraphUrl: string;
    metaGraphVersion: string;
    metaAccessToken: string | undefined;
  },
  credentials?: { tokenFor: GraphTokenSource },
): GraphClient {
  return createGraphClient({
    baseUrl: config.metaGraphUrl,
    version: config.metaGraphVersion,
    accessToken: config.metaAccessToken,
    ...(credentials ? { tokenFor: credentials.tokenFor } : {}),
  });
}
