import type { StartedOnboarding } from './onboarding.api.ts';

/** What Embedded Signup gave back: the login's code and, from `WA_EMBEDDED_SIGNUP`, the ids. */
export type SignupResult =
  | { kind: 'finished'; code: string; wabaId: string; phoneNumberId: string | null }
  | { kind: 'cancelled'; step: string | null }
  | { kind: 'error'; message: string };

type FbLoginResponse = { status?: string; authResponse?: { code?: string } | null };
type FacebookSdk = {
  init(options: Record<string, unknown>): void;
  login(callback: (response: FbLoginResponse) => void, options: Record<string, unknown>): void;
};

declare global {
  interface Window {
    FB?: FacebookSdk;
    fbAsyncInit?: () => void;
  }
}

const loaded = new Map<string, Promise<FacebookSdk>>();

/** Loads the Facebook JavaScript SDK (Meta's, or the sandbox's stand-in) once per URL. */
function loadSdk(url: string): Promise<FacebookSdk> {
  let promise = loaded.get(url);
  if (!promise) {
    promise = new Promise<FacebookSdk>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      script.async = true;
      script.onload = () =>
        window.FB ? resolve(window.FB) : reject(new Error('The Facebook SDK did not load.'));
      script.onerror = () => reject(new Error('The Facebook SDK could not be loaded.'));
      document.head.appendChild(script);
    });
    loaded.set(url, promise);
  }
  return promise;
}

/**
 * Runs Embedded Signup for a Business app number: `FB.login` with the configuration id and the
 * Business App onboarding feature (a code comes back), and the `WA_EMBEDDED_SIGNUP` message from
 * Meta's window (only from the configured origins) with the WABA and phone-number ids.
 */
export async function runEmbeddedSignup(launch: StartedOnboarding['launch']): Promise<SignupResult> {
  const FB = await loadSdk(launch.sdk_url);
  FB.init({ appId: launch.app_id, autoLogAppEvents: true, xfbml: false, version: launch.graph_version });
  return new Promise<SignupResult>((resolve) => {
    let ids: { wabaId: string; phoneNumberId: string | null } | null = null;
    let code: string | null = null;
    let settled = false;
    // Meta's window stays open after an ERROR (another number can be tried); it counts once the login ends.
    let lastError: string | null = null;
    const finish = (result: SignupResult) => {
      if (settled) return;
      settled = true;
      window.removeEventListener('message', handleMessage);
      resolve(result);
    };
    const maybeDone = () => {
      if (code && ids) finish({ kind: 'finished', code, ...ids });
    };
    function handleMessage(event: MessageEvent) {
      if (!launch.message_origins.includes(event.origin)) return;
      let data: unknown = event.data;
      if (typeof data === 'string') {
        try {
          data = JSON.parse(data);
        } catch {
          return;
        }
      }
      const m = data as { type?: string; event?: string; data?: Record<string, unknown> };
      if (m?.type !== 'WA_EMBEDDED_SIGNUP') return;
      if (m.event === 'FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING' || m.event === 'FINISH') {
        const waba = m.data?.waba_id;
        if (typeof waba !== 'string') return;
        const pn = m.data?.phone_number_id;
        ids = { wabaId: waba, phoneNumberId: typeof pn === 'string' ? pn : null };
        maybeDone();
      } else if (m.event === 'CANCEL') {
        const step = m.data?.current_step;
        finish(
          lastError
            ? { kind: 'error', message: lastError }
            : { kind: 'cancelled', step: typeof step === 'string' ? step : null },
        );
      } else if (m.event === 'ERROR') {
        const message = m.data?.error_message;
        lastError = typeof message === 'string' ? message : 'Meta refused the signup.';
      }
    }
    window.addEventListener('message', handleMessage);
    FB.login(
      (response) => {
        const c = response.authResponse?.code;
        if (typeof c === 'string' && c) {
          code = c;
          maybeDone();
          // The finish message may come a moment later; without it there is nothing to connect.
          window.setTimeout(() => {
            if (!settled && !ids)
              finish({ kind: 'error', message: 'Meta did not say which account was connected.' });
          }, 5000);
        } else if (!settled) {
          window.setTimeout(
            () =>
              finish(lastError ? { kind: 'error', message: lastError } : { kind: 'cancelled', step: null }),
            300,
          );
        }
      },
      { ...launch.login_options },
    );
  });
}
