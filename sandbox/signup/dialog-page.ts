/**
 * The sandbox's stand-in for Meta's Embedded Signup popup (`/dialog/oauth`): a simulated Facebook
 * login, the business's WhatsApp Business app number, the QR code the phone scans, then the
 * result posted to the page that opened it — `WA_EMBEDDED_SIGNUP` as Meta sends it, and the
 * login's code for the SDK stand-in (`sdk.ts`).
 */
export const DIALOG_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log in with Facebook (sandbox)</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>
body{font:15px system-ui,sans-serif;margin:0;background:#f0f2f5;color:#1c1e21}
header{background:#1877f2;color:#fff;padding:12px 18px;font-weight:700}
header small{font-weight:400;opacity:.85;margin-left:8px}
main{max-width:460px;margin:18px auto;background:#fff;border-radius:8px;padding:20px 22px;box-shadow:0 1px 3px #0002}
h1{font-size:19px;margin:0 0 10px}p{line-height:1.45}.muted{color:#65676b;font-size:13px}
button{background:#1877f2;color:#fff;border:0;border-radius:6px;padding:9px 16px;font-size:15px;cursor:pointer}
button.secondary{background:#e4e6eb;color:#1c1e21}label{display:block;margin:10px 0 4px;font-weight:600}
select,input{font-size:15px;padding:7px;width:100%;box-sizing:border-box}
.err{background:#ffebe9;border:1px solid #ffc1ba;border-radius:6px;padding:10px;margin:10px 0}
.row{display:flex;gap:8px;justify-content:flex-end;margin-top:16px}
.qr{display:flex;gap:16px;align-items:center}.qr img{width:180px;height:180px;border:1px solid #ddd}
.code{font:600 20px ui-monospace,monospace;letter-spacing:3px}
</style></head><body>
<header>facebook <small>Sandbox — no Meta account involved</small></header>
<main id="main"><p>Loading…</p></main>
<script>
const q = new URLSearchParams(location.search);
let session = null;
const main = document.getElementById('main');
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
async function api(path, body) {
  const r = await fetch('/dialog/oauth/session' + path, { method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const j = await r.json();
  if (!r.ok) throw new Error(j.error ? (j.error.error_data && j.error.error_data.details) || j.error.message : r.statusText);
  return j;
}
function post(message) { if (window.opener && session) window.opener.postMessage(message, session.origin); }
function finishLogin(response) { post({ type: 'SANDBOX_FB_LOGIN_RESPONSE', response }); }
function cancel() {
  post({ type: 'WA_EMBEDDED_SIGNUP', event: 'CANCEL', data: { current_step: session ? session.step : 'login' }, version: 3 });
  finishLogin({ status: 'unknown', authResponse: null });
  if (session) api('/' + session.id + '/cancel', {}).catch(() => {});
  setTimeout(() => window.close(), 50);
}
function render() {
  const s = session;
  if (s.step === 'login') {
    main.innerHTML = '<h1>Log in to continue to Coexist</h1><p>Coexist is asking to manage your WhatsApp Business account.</p>' +
      '<p class="muted">Simulated Facebook user: <b>Sandbox Owner</b> (owner@sandbox.test)</p>' +
      '<div class="row"><button class="secondary" onclick="cancel()">Cancel</button><button id="login">Continue as Sandbox Owner</button></div>';
    document.getElementById('login').onclick = async () => { session = await api('/' + s.id + '/login', {}); render(); };
  } else if (s.step === 'number') {
    main.innerHTML = '<h1>Connect your existing WhatsApp Business app</h1>' +
      '<p>Business portfolio: <b>Sandbox Business</b></p>' +
      '<label for="phone">WhatsApp Business app number</label><select id="phone">' +
      s.phones.map((p) => '<option value="' + esc(p.displayPhoneNumber) + '">+' + esc(p.displayPhoneNumber) + ' — ' + esc(p.verifiedName) + '</option>').join('') +
      '</select>' + (s.error ? '<div class="err" role="alert"><b>' + esc(s.error.message) + '</b><br><span class="muted">Error ' + s.error.code + '</span></div>' : '') +
      '<div class="row"><button class="secondary" onclick="cancel()">Cancel</button><button id="next">Next</button></div>';
    document.getElementById('next').onclick = async () => {
      session = await api('/' + s.id + '/number', { phone: document.getElementById('phone').value });
      if (session.error) post({ type: 'WA_EMBEDDED_SIGNUP', event: 'ERROR', data: { error_message: session.error.message, error_id: String(session.error.code), session_id: session.id, timestamp: Date.now() }, version: 3 });
      render();
    };
  } else if (s.step === 'awaiting_scan') {
    main.innerHTML = '<h1>Scan this code with the WhatsApp Business app</h1>' +
      '<div class="qr"><img alt="QR code to scan with the WhatsApp Business app" src="' + s.qr + '"><div>' +
      '<p>On the phone with +' + esc(s.displayPhoneNumber) + ': WhatsApp Business &gt; Settings &gt; Business Platform &gt; Scan QR code, then confirm and choose whether to share your chat history.</p>' +
      '<p class="muted">Code shown on the phone</p><p class="code">' + esc(s.pairingCode) + '</p></div></div>' +
      '<p class="muted">In the sandbox, the phone is at <a href="/_sandbox/signup/phone" target="_blank">/_sandbox/signup/phone</a>.</p>' +
      '<div class="row"><button class="secondary" onclick="cancel()">Cancel</button></div>';
    setTimeout(poll, 500);
  } else if (s.step === 'scanned') {
    main.innerHTML = '<h1>Your WhatsApp Business app is connected</h1><p>+' + esc(s.displayPhoneNumber) + ' scanned the code' +
      (s.shareHistory ? ' and will share its chat history.' : '; chat history will not be shared.') + '</p>' +
      '<div class="row"><button id="finish">Finish</button></div>';
    document.getElementById('finish').onclick = async () => {
      session = await api('/' + s.id + '/finish', {});
      const r = session.result;
      post({ type: 'WA_EMBEDDED_SIGNUP', event: 'FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING', data: { waba_id: r.wabaId, phone_number_id: r.phoneNumberId }, version: 3 });
      finishLogin({ status: 'connected', authResponse: { code: r.code, userID: '100000000000001', expiresIn: 0, graphDomain: 'facebook' } });
      main.innerHTML = '<h1>Done</h1><p>You can close this window.</p>';
      setTimeout(() => window.close(), 100);
    };
  } else {
    main.innerHTML = '<h1>' + (s.step === 'error' ? 'Something went wrong' : 'Closed') + '</h1>' + (s.error ? '<div class="err">' + esc(s.error.message) + '</div>' : '');
  }
}
async function poll() {
  if (!session || session.step !== 'awaiting_scan') return;
  session = await api('/' + session.id);
  if (session.step === 'awaiting_scan') setTimeout(poll, 500); else render();
}
(async () => {
  try {
    session = await api('', { client_id: q.get('client_id'), config_id: q.get('config_id'), response_type: q.get('response_type'),
      extras: q.get('extras'), origin: q.get('origin') });
    render();
  } catch (e) { main.innerHTML = '<h1>This link does not work</h1><div class="err" role="alert">' + esc(e.message) + '</div>'; }
})();
</script></body></html>`;
