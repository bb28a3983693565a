/**
 * The owner's phone in the signup flow (`/_sandbox/signup/phone`): the WhatsApp Business app's
 * "Business Platform > Scan QR code" screen. A pending signup's QR code is "scanned" with a button,
 * with the choice Meta's app offers, to share the chat history or not.
 */
export const PHONE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>WhatsApp Business app (sandbox phone)</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>
body{font:15px system-ui,sans-serif;margin:0;background:#e9edef;color:#111b21}
.phone{max-width:380px;margin:16px auto;background:#fff;border-radius:22px;overflow:hidden;box-shadow:0 2px 10px #0003}
header{background:#008069;color:#fff;padding:14px 16px;font-weight:600}
section{padding:14px 16px;border-bottom:1px solid #e9edef}h2{font-size:15px;margin:0 0 6px}
.muted{color:#667781;font-size:13px}img{width:120px;height:120px;border:1px solid #ddd}
button{background:#008069;color:#fff;border:0;border-radius:18px;padding:8px 16px;font-size:14px;cursor:pointer}
label{display:flex;gap:6px;align-items:center;margin:8px 0}
</style></head><body><div class="phone"><header>WhatsApp Business · Business Platform</header>
<div id="pending"><section class="muted">No connection request to scan.</section></div>
<section><h2>Phones in this sandbox</h2><div id="phones" class="muted"></div></section></div>
<script>
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
async function scan(id) {
  const share = document.getElementById('share-' + id).checked;
  await fetch('/_sandbox/signup/sessions/' + id + '/scan', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ shareHistory: share }) });
  refresh();
}
async function refresh() {
  const r = await (await fetch('/_sandbox/signup/sessions')).json();
  const pending = r.data.filter((s) => s.step === 'awaiting_scan');
  document.getElementById('pending').innerHTML = pending.length === 0 ? '<section class="muted">No connection request to scan.</section>' :
    pending.map((s) => '<section><h2>Connect +' + esc(s.displayPhoneNumber) + ' to Coexist</h2><img alt="QR code on the computer" src="' + s.qr + '">' +
      '<p class="muted">Code on the computer: <b>' + esc(s.pairingCode) + '</b></p>' +
      '<label><input type="checkbox" id="share-' + s.id + '" checked> Share chat history (last 6 months)</label>' +
      '<button onclick="scan(\\'' + s.id + '\\')">Scan QR code</button></section>').join('');
  const p = await (await fetch('/_sandbox/signup/phones')).json();
  document.getElementById('phones').innerHTML = p.data.map((x) => '+' + esc(x.displayPhoneNumber) + ' ' + esc(x.verifiedName) +
    ' · app ' + esc(x.appVersion) + ' · ' + x.daysInUse + ' days' + (x.phoneNumberId ? ' · connected' : '')).join('<br>');
}
refresh(); setInterval(refresh, 1000);
</script></body></html>`;
