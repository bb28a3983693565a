import { errorCatalogue } from '../../../src/platform/errors.ts';
import { currentLanguage, i18n } from '../i18n/index.ts';

/** The error every failed API call throws; `message` is the server's user-facing message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

const CSRF_COOKIE = 'coexist_csrf';

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/**
 * The one place that reads the API's error shape `{ error: { code, message, details? } }`.
 * Anything else (a proxy's HTML page, a network failure) becomes an ApiError too.
 */
async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.message) {
      return new ApiError(
        response.status,
        body.error.code ?? 'UNKNOWN',
        body.error.message,
        body.error.details,
      );
    }
  } catch {
    // not JSON: fall through to a generic message
  }
  return new ApiError(response.status, 'HTTP_ERROR', `The server answered ${response.status}.`);
}

/** Calls the hub's REST API with the session cookie; unsafe methods carry the CSRF double-submit header. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'The hub cannot be reached. Check your connection.');
  }
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * The user's-language message of an API error, by its stable `code` (`i18n/locales/<lng>/errors.json`).
 * English shows the server's own message (often more specific); another language shows the code's
 * translation, with the server's message after it when that says more than the code's default.
 * A code without a translation shows the server's message.
 */
function translatedApiMessage(error: ApiError): string {
  const key = `errors:${error.code}`;
  if (currentLanguage() === 'en' || !i18n.exists(key)) return error.message;
  const translated = i18n.t(key, { status: error.status });
  const generic = (errorCatalogue as Record<string, { message: string } | undefined>)[error.code]?.message;
  const specific = generic !== undefined && error.message !== generic && error.message !== '';
  return specific ? `${translated} (${error.message})` : translated;
}

/** A user-facing message for anything thrown by a query or mutation, in the user's language. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return translatedApiMessage(error);
  if (error instanceof Error) return error.message;
  return i18n.t('errors:UNKNOWN');
}

export function isApiError(error: unknown, code: string): error is ApiError {
  return error instanceof ApiError && error.code === code;
}
