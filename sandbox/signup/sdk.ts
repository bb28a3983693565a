/**
 * `/sdk.js`: the sandbox's stand-in for Meta's JavaScript SDK, the part Embedded Signup uses:
 * `FB.init({ appId, version })` and `FB.login(callback, { config_id, response_type: 'code',
 * override_default_response_type, extras })`, which opens the sandbox's login popup and calls back
 * with `{ status, authResponse: { code } }`. The popup posts `WA_EMBEDDED_SIGNUP` itself, as Meta's does.
 */
export function sdkScript(baseUrl: string): string {
  return `(function () {
  var base = ${JSON.stringify(baseUrl)};
  var options = null;
  var FB = {
    init: function (o) { options = o || {}; },
    getLoginStatus: function (cb) { cb({ status: 'unknown', authResponse: null }); },
    login: function (cb, o) {
      o = o || {};
      var q = new URLSearchParams({
        client_id: String((options && options.appId) || ''),
        config_id: String(o.config_id || ''),
        response_type: String(o.response_type || 'token'),
        override_default_response_type: String(Boolean(o.override_default_response_type)),
        extras: JSON.stringify(o.extras || {}),
        display: 'popup',
        origin: location.origin,
      });
      var popup = window.open(base + '/dialog/oauth?' + q.toString(), 'fb_login', 'width=620,height=760');
      var answered = false;
      function onMessage(event) {
        if (event.origin !== base || !event.data || event.data.type !== 'SANDBOX_FB_LOGIN_RESPONSE') return;
        answered = true;
        window.removeEventListener('message', onMessage);
        cb(event.data.response);
      }
      window.addEventListener('message', onMessage);
      var timer = setInterval(function () {
        if (popup && popup.closed) {
          clearInterval(timer);
          setTimeout(function () {
            if (!answered) { window.removeEventListener('message', onMessage); cb({ status: 'unknown', authResponse: null }); }
          }, 300);
        }
      }, 400);
    },
  };
  window.FB = FB;
  if (typeof window.fbAsyncInit === 'function') window.fbAsyncInit();
})();
`;
}
