/** The sandbox's web page (`/_sandbox/ui`): act as a customer or as the owner, see both sides and the hub's traffic. */
export const UI_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Coexist sandbox</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>
body{font:14px system-ui,sans-serif;margin:0;display:grid;grid-template-columns:240px 1fr 1fr 380px;height:100vh;color:#1b1b1b}
section{border-right:1px solid #ddd;display:flex;flex-direction:column;min-height:0}
h2{font-size:13px;margin:0;padding:8px 10px;background:#f3f3f3;border-bottom:1px solid #ddd}
.list{overflow:auto;flex:1}.chat{padding:6px 10px;cursor:pointer;border-bottom:1px solid #eee}.chat.on{background:#e7f3ff}
.msgs{overflow:auto;flex:1;padding:8px;background:#efeae2}.m{max-width:80%;margin:4px 0;padding:6px 8px;border-radius:8px;background:#fff;word-wrap:break-word}
.me{margin-left:auto;background:#d9fdd3}.meta{font-size:11px;color:#666}.revoked{opacity:.5;text-decoration:line-through}
form{display:flex;gap:4px;padding:6px;border-top:1px solid #ddd}form input{flex:1}
.log{font:11px ui-monospace,monospace;white-space:pre-wrap;overflow:auto;flex:1;padding:6px}.log div{border-bottom:1px solid #eee;padding:3px 0}
.bar{padding:6px;display:flex;flex-wrap:wrap;gap:4px;border-bottom:1px solid #ddd}button{font-size:12px}
</style></head><body>
<section><h2>Chats</h2>
<div class="bar"><input id="newWa" placeholder="wa_id" size="12"><button onclick="openChat(newWa.value)">Open</button></div>
<div class="list" id="chats"></div>
<div class="bar"><button onclick="ctl('POST','phone/'+pn+'/open',{})">Open app</button>
<button onclick="ctl('POST','traffic',{customers:10,ratePerSec:1,total:30})">Traffic ×30</button>
<button onclick="ctl('POST','phone/'+pn+'/offboard',{})">Offboard</button><button onclick="ctl('POST','phone/'+pn+'/reconnect',{})">Reconnect</button></div>
<div class="meta" id="state" style="padding:6px"></div></section>
<section><h2 id="custTitle">Customer's phone</h2><div class="msgs" id="cust"></div>
<div class="bar"><button onclick="send('customer',{type:'image',image:{caption:'Photo'}})">📷 image</button>
<button onclick="send('customer',{type:'location',location:{latitude:38.72,longitude:-9.14,name:'Lisbon'}})">📍 location</button>
<button onclick="ctl('POST','customers/'+wa+'/read',{phoneNumberId:pn})">Read all</button>
<button onclick="ctl('POST','customers/'+wa+'/marketing',{stop:true,phoneNumberId:pn})">Stop marketing</button></div>
<form onsubmit="event.preventDefault();send('customer',{type:'text',text:{body:ct.value}});ct.value=''"><input id="ct" placeholder="Write as the customer"><button>Send</button></form></section>
<section><h2 id="bizTitle">Business app (owner's phone)</h2><div class="msgs" id="biz"></div>
<form onsubmit="event.preventDefault();send('owner',{type:'text',text:{body:bt.value}});bt.value=''"><input id="bt" placeholder="Write as the owner"><button>Send</button></form></section>
<section><h2>Received from the hub (Graph API) · sent to the hub (webhooks)</h2><div class="log" id="log"></div></section>
<script>
let pn='', wa='', since={r:0,w:0}, entries=[];
const api=(m,p,b)=>fetch('/_sandbox/'+p,{method:m,headers:b?{'content-type':'application/json'}:{},body:b?JSON.stringify(b):undefined}).then(r=>r.json());
async function ctl(m,p,b){const r=await api(m,p,b);if(r&&r.error)alert(r.error.message+' '+(r.error.error_data?r.error.error_data.details:''));refresh();return r}
function send(who,msg){if(!wa)return alert('open a chat first');return who==='customer'?ctl('POST','customers/'+wa+'/messages',{phoneNumberId:pn,...msg}):ctl('POST','phone/'+pn+'/messages',{to:wa,...msg})}
function openChat(id){if(id){wa=id;refresh()}}
function esc(s){return String(s).replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]))}
function text(m){const c=m.content||{};if(m.type==='text')return c.body;if(m.type==='template')return '[template '+c.name+'] '+(c.rendered||'');if(m.type==='reaction')return 'reacted '+c.emoji;if(m.type==='location')return '📍 '+(c.name||c.latitude+','+c.longitude);if(m.type==='interactive')return '[interactive] '+esc(JSON.stringify(c.body||c.button_reply||c.list_reply||c));return '['+m.type+'] '+(c.caption||c.filename||'')}
function bubble(m,mine){const tick={sent:'✓',delivered:'✓✓',read:'✓✓ read',played:'✓✓ played',failed:'✗ '+(m.errorCode||''),accepted:'…',received:''}[m.status]||'';
return '<div class="m '+(mine?'me ':'')+(m.revokedAt?'revoked':'')+'">'+esc(text(m))+(m.editedAt?' <i>(edited)</i>':'')+'<div class="meta">'+m.source+' · '+new Date(m.timestamp).toLocaleTimeString()+' '+(mine?tick:'')+'</div></div>'}
async function refresh(){
 const st=await api('GET','state');pn=pn||st.numbers[0].phoneNumberId;const n=st.numbers.find(x=>x.phoneNumberId===pn);
 document.getElementById('state').textContent=n.displayPhoneNumber+' · '+(n.connected?'connected':'DISCONNECTED '+(n.disconnectReason||''))+' · callback '+(st.callbackVerified?'verified':'not set')+' · clock '+st.clock;
 const chats=(await api('GET','chats')).data;if(!wa&&chats[0])wa=chats[0].waId;
 document.getElementById('chats').innerHTML=chats.map(c=>'<div class="chat '+(c.waId===wa?'on':'')+'" onclick="openChat(\\''+c.waId+'\\')"><b>'+esc(c.name)+'</b><div class="meta">'+c.waId+' · '+c.count+' msgs</div></div>').join('');
 if(wa){const chat=await api('GET','chats/'+pn+'/'+wa);const ms=chat.data;
  document.getElementById('custTitle').textContent='Customer '+wa+"'s phone"+(chat.typing?' — business is typing…':'');
  document.getElementById('cust').innerHTML=ms.filter(m=>m.source!=='history').map(m=>bubble(m,m.direction==='in')).join('');
  document.getElementById('biz').innerHTML=ms.map(m=>bubble(m,m.direction==='out')).join('');}
 const r=(await api('GET','requests?since='+since.r)).data, w=(await api('GET','webhooks?since='+since.w)).data;
 for(const x of r){since.r=x.seq;entries.push('→ '+x.method+' '+x.url+' '+x.status+'\\n'+JSON.stringify(x.body))}
 for(const x of w){since.w=x.seq;entries.push('← webhook #'+x.attempt+' '+(x.status||x.error)+(x.duplicate?' (dup)':'')+'\\n'+x.body.slice(0,600))}
 entries=entries.slice(-200);document.getElementById('log').innerHTML=entries.slice().reverse().map(e=>'<div>'+esc(e)+'</div>').join('');
}
refresh();setInterval(refresh,1500);
</script></body></html>`;
