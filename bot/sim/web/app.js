// Sim channel web client. Message text is hostile input: it only ever reaches the DOM
// through textContent / attribute setters, never innerHTML.
'use strict';
(function () {
  const API = '/api/sim';
  const ROLE_ZH = { resident: '居民', household_leader: '联户长', grid_worker: '网格员', grid_leader: '网格长',
    area_leader: '片区网格长', street_chief: '总网格长', department: '职能部门', manager: '管理员' };
  const LEVEL_ZH = { street: '街道', community: '社区', grid: '网格' };
  const LEVEL_ORDER = { street: 0, community: 1, grid: 2 };
  const $ = (id) => document.getElementById(id);

  const S = {
    chats: [], byId: new Map(), people: new Map(), nodes: new Map(),
    open: null,            // open chat id
    msgs: new Map(),       // chatId -> Map(msgId -> message), insertion = server order
    last: new Map(),       // chatId -> last message id seen from the server
    unread: new Map(),     // chatId -> count
    speaker: new Map(),    // chatId -> person id chosen for that chat
    pending: { photo: null, location: null },
  };

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }

  let toastTimer = 0, lastToast = '', lastToastAt = 0;
  function toast(msg) {
    const now = Date.now();
    if (msg === lastToast && now - lastToastAt < 5000) return; // polling errors repeat every second
    lastToast = msg; lastToastAt = now;
    const t = $('toast');
    t.textContent = msg; t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, 4000);
  }

  async function api(method, path, body) {
    let res;
    try {
      res = await fetch(API + path, {
        method, headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined, cache: 'no-store',
      });
    } catch (e) { throw new Error('无法连接服务器'); }
    const txt = await res.text();
    let data = null;
    try { data = txt ? JSON.parse(txt) : null; } catch (e) { /* not JSON */ }
    if (!res.ok) throw new Error((data && data.error) || ('请求失败（HTTP ' + res.status + '）'));
    return data;
  }

  // ---- people & labels ----
  function nodeName(node) {
    if (!node) return '';
    if (typeof node === 'object') return node.name || node.code || '';
    return S.nodes.get(node) || String(node);
  }
  function rolesText(p) {
    if (!p || !p.roles || !p.roles.length) return '居民';
    return p.roles.map((r) => (ROLE_ZH[r.role] || r.role) + (nodeName(r.node) ? '·' + nodeName(r.node) : '')).join('，');
  }
  function nameOf(id) {
    if (id === 'bot') return '接诉机器人';
    const p = S.people.get(id);
    return p ? p.name : String(id);
  }
  function chatTitle(c) {
    if (c.kind === 'group') return c.title || (c.node && c.node.name) || '';
    const t = String(c.title || '');
    if (t.startsWith('与机器人私聊')) return t;
    return '与机器人私聊 · ' + ((c.members[0] && c.members[0].name) || t);
  }
  const PALETTE = ['#5b8ff9', '#f6903d', '#9270ca', '#e8684a', '#13a8a8', '#6dc8ec', '#c2a34f', '#ff9d4d', '#7b8ca8', '#d46b9c'];
  function avatar(text, seed, cls) {
    const a = el('div', 'avatar ' + (cls || ''), text);
    if (!cls) {
      let h = 2166136261;
      for (const ch of String(seed)) h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0;
      a.style.background = PALETTE[h % PALETTE.length];
    }
    return a;
  }
  function icon(name, cls) {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('class', 'icon ' + (cls || ''));
    const use = document.createElementNS('http://www.w3.org/2000/svg', 'use');
    use.setAttribute('href', '#i-' + name);
    svg.append(use);
    return svg;
  }
  function hhmm(at) {
    const d = new Date(at);
    if (isNaN(d)) return '';
    return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
  }
  function preview(m) {
    if (!m) return '';
    const who = m.from === 'bot' ? '机器人' : nameOf(m.from);
    const body = m.text ? m.text.replace(/\s+/g, ' ') : m.photo ? '[图片]' : m.location ? '[位置]' : '';
    return who + '：' + body;
  }

  // ---- chat list ----
  function renderList() {
    const q = $('search').value.trim().toLowerCase();
    const ul = $('chat-list');
    ul.textContent = '';
    let lastKind = '';
    for (const c of S.chats) {
      if (q && !chatTitle(c).toLowerCase().includes(q) && !(c.title || '').toLowerCase().includes(q)) continue;
      if (c.kind !== lastKind) { ul.append(el('li', 'list-sep', c.kind === 'group' ? '群聊' : '私聊')); lastKind = c.kind; }
      const li = el('li', 'chat-item' + (c.id === S.open ? ' active' : ''));
      li.tabIndex = 0;
      const av = c.kind === 'group'
        ? avatar(LEVEL_ZH[c.node && c.node.level] ? LEVEL_ZH[c.node.level][0] : '群', '', 'lvl-' + ((c.node && c.node.level) || 'none'))
        : avatar((c.members[0] && c.members[0].name || '?').slice(-2), c.id);
      const main = el('div', 'chat-main');
      const top = el('div', 'chat-top');
      top.append(el('span', 'chat-name', chatTitle(c)));
      if (c.node && LEVEL_ZH[c.node.level]) top.append(el('span', 'badge lvl-' + c.node.level, LEVEL_ZH[c.node.level]));
      const list = S.msgs.get(c.id);
      const lastMsg = list && list.size ? Array.from(list.values()).pop() : null;
      top.append(el('span', 'chat-time', lastMsg ? hhmm(lastMsg.at) : ''));
      main.append(top, el('div', 'chat-prev', lastMsg ? preview(lastMsg)
        : c.kind === 'group' ? (c.members.length + ' 位成员') : rolesText(c.members[0])));
      li.append(av, main);
      const n = S.unread.get(c.id) || 0;
      if (n > 0 && c.id !== S.open) li.append(el('span', 'unread', n > 99 ? '99+' : n));
      li.onclick = () => openChat(c.id);
      li.onkeydown = (e) => { if (e.key === 'Enter') openChat(c.id); };
      ul.append(li);
    }
  }

  // ---- speaker ----
  function currentSpeaker() { return S.speaker.get(S.open) || ''; }
  function renderSpeaker() {
    const sel = $('speaker');
    sel.textContent = '';
    const c = S.byId.get(S.open);
    if (!c) return;
    const memberIds = new Set(c.members.map((m) => m.id));
    const groups = [['本会话成员', (p) => memberIds.has(p.id)], ['其他人员', (p) => !memberIds.has(p.id)]];
    for (const [label, test] of groups) {
      const og = document.createElement('optgroup');
      og.label = label;
      for (const p of S.people.values()) {
        if (!test(p)) continue;
        const o = el('option', '', p.name + '（' + rolesText(p) + '）');
        o.value = p.id;
        og.append(o);
      }
      if (og.children.length) sel.append(og);
    }
    if (!S.speaker.has(S.open)) S.speaker.set(S.open, (c.members[0] && c.members[0].id) || (S.people.keys().next().value || ''));
    sel.value = currentSpeaker();
    $('speaker-roles').textContent = rolesText(S.people.get(currentSpeaker()));
  }

  // ---- messages ----
  function safeImageSrc(src) {
    const s = String(src || '');
    return /^(https?:\/\/|\/(?!\/)|data:image\/|blob:)/i.test(s) ? s : '';
  }
  function renderMessage(m) {
    const mine = m.from !== 'bot' && m.from === currentSpeaker();
    const row = el('div', 'msg ' + (m.from === 'bot' ? 'bot' : mine ? 'mine' : 'other'));
    row.dataset.id = m.id;
    const av = m.from === 'bot' ? avatar('', '', 'bot-av') : avatar(nameOf(m.from).slice(-2), m.from);
    const col = el('div', 'msg-col');
    const meta = el('div', 'msg-meta');
    meta.append(el('span', 'msg-name', nameOf(m.from)), el('span', 'msg-time', hhmm(m.at)));
    if (m.at) meta.title = new Date(m.at).toLocaleString('zh-CN');
    if (m.editedAt) meta.append(el('span', 'msg-edited', '已编辑'));
    col.append(meta);
    const bubble = el('div', 'bubble');
    if (m.text) bubble.append(el('div', 'msg-text', m.text));
    const src = m.photo && safeImageSrc(m.photo);
    if (src) {
      const img = el('img', 'msg-photo');
      img.alt = '图片'; img.loading = 'lazy'; img.src = src;
      img.onload = () => { if (stick) scrollBottom(); };
      img.onclick = () => window.open(src, '_blank', 'noopener');
      bubble.append(img);
    }
    if (m.location) {
      const lat = Number(m.location.lat), lng = Number(m.location.lng);
      const loc = el('a', 'msg-loc');
      loc.target = '_blank'; loc.rel = 'noopener noreferrer';
      if (isFinite(lat) && isFinite(lng)) loc.href = 'https://www.openstreetmap.org/?mlat=' + lat + '&mlon=' + lng + '#map=18/' + lat + '/' + lng;
      loc.append(icon('pin', 'loc-pin'), el('span', 'loc-label', m.location.label || '位置'),
        el('span', 'loc-coord', lat.toFixed(5) + ', ' + lng.toFixed(5)));
      bubble.append(loc);
    }
    col.append(bubble);
    if (Array.isArray(m.buttons) && m.buttons.length) {
      const bar = el('div', 'msg-buttons');
      for (const b of m.buttons) {
        const btn = el('button', 'msg-btn', b.label);
        btn.type = 'button';
        btn.onclick = () => press(m, b, btn);
        bar.append(btn);
      }
      col.append(bar);
    }
    if (m.from === 'bot') av.append(icon('bot'));
    if (!m.text) bubble.classList.add('media');
    row.append(av, col);
    return row;
  }
  let stick = true; // whether the open chat was scrolled to the bottom before content grew
  function nearBottom() { const b = $('messages'); return b.scrollHeight - b.scrollTop - b.clientHeight < 80; }
  function scrollBottom() { const b = $('messages'); b.scrollTop = b.scrollHeight; stick = true; }
  function renderMessages() {
    const box = $('messages');
    box.textContent = '';
    const list = S.msgs.get(S.open);
    if (!list || !list.size) { box.append(el('div', 'empty', S.open ? '暂无消息，说点什么吧' : '请选择左侧的会话')); return; }
    for (const m of list.values()) box.append(renderMessage(m));
    scrollBottom();
  }
  const sameMsg = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  // Merges fetched messages; returns the number of new ones. Edited ones are replaced in place.
  function merge(chatId, arr) {
    if (!Array.isArray(arr)) return 0;
    if (!S.msgs.has(chatId)) S.msgs.set(chatId, new Map());
    const list = S.msgs.get(chatId);
    const isOpen = chatId === S.open, atBottom = isOpen && (stick || nearBottom());
    let added = 0;
    for (const m of arr) {
      if (!m || m.id == null) continue;
      const old = list.get(m.id);
      if (old && sameMsg(old, m)) continue;
      list.set(m.id, m);
      if (!old) added++;
      const last = S.last.get(chatId);
      if (last == null || String(m.id) > String(last)) S.last.set(chatId, m.id);
      if (!isOpen) continue;
      const node = $('messages').querySelector('[data-id="' + CSS.escape(String(m.id)) + '"]');
      if (node) node.replaceWith(renderMessage(m));
      else { const e = $('messages').querySelector('.empty'); if (e) e.remove(); $('messages').append(renderMessage(m)); }
    }
    if (isOpen && added && atBottom) scrollBottom();
    return added;
  }

  async function openChat(id) {
    S.open = id;
    S.unread.set(id, 0);
    if (location.hash.slice(1) !== encodeURIComponent(id)) history.replaceState(null, '', '#' + encodeURIComponent(id));
    document.body.classList.add('in-chat');
    const c = S.byId.get(id);
    $('conv-name').textContent = c.kind === 'group' ? c.title || chatTitle(c) : chatTitle(c);
    $('conv-sub').textContent = c.kind === 'group'
      ? (c.node ? (LEVEL_ZH[c.node.level] || '') + ' · ' + c.node.name + '（' + c.node.code + '）' : '群聊') + ' · ' + c.members.length + ' 位成员'
      : '私聊 · ' + rolesText(c.members[0]);
    renderSpeaker(); renderList(); renderMessages();
    await refreshFull(id);
  }

  // ---- polling ----
  async function pollChat(id) {
    const last = S.last.get(id);
    const arr = await api('GET', '/chats/' + encodeURIComponent(id) + '/messages' + (last != null ? '?after=' + encodeURIComponent(last) : ''));
    const n = merge(id, arr);
    if (n && id !== S.open) S.unread.set(id, (S.unread.get(id) || 0) + n);
    return n;
  }
  async function refreshFull(id) {
    try { merge(id, await api('GET', '/chats/' + encodeURIComponent(id) + '/messages')); renderList(); }
    catch (e) { toast(e.message); }
  }
  let busyOpen = false, busyOthers = false;
  async function tickOpen() {
    if (busyOpen || !S.open) return;
    busyOpen = true;
    try { if (await pollChat(S.open)) renderList(); } catch (e) { toast(e.message); } finally { busyOpen = false; }
  }
  // Polls the given chats a few at a time (a deployment may have hundreds of groups).
  async function pollMany(ids, onEach) {
    let changed = 0;
    for (let i = 0; i < ids.length; i += 6) {
      const r = await Promise.all(ids.slice(i, i + 6).map((id) => pollChat(id).then((n) => { if (onEach) onEach(id); return n; }).catch(() => 0)));
      changed += r.reduce((a, b) => a + b, 0);
    }
    return changed;
  }
  async function tickOthers() {
    if (busyOthers) return;
    busyOthers = true;
    try { if (await pollMany(S.chats.map((c) => c.id).filter((id) => id !== S.open))) renderList(); }
    finally { busyOthers = false; }
  }

  // ---- actions ----
  async function press(m, b, btn) {
    const from = currentSpeaker();
    if (!from) return toast('请先选择发言身份');
    btn.disabled = true;
    try {
      await api('POST', '/chats/' + encodeURIComponent(S.open) + '/actions', { from, messageId: m.id, buttonId: b.id });
      setTimeout(() => { tickOpen(); refreshFull(S.open); }, 300);
    } catch (e) { toast(e.message); } finally { btn.disabled = false; }
  }

  async function send(ev) {
    ev.preventDefault();
    const from = currentSpeaker();
    const text = $('text').value;
    const body = { from };
    if (text.trim()) body.text = text;
    if (S.pending.photo) body.photo = S.pending.photo;
    if (S.pending.location) body.location = S.pending.location;
    if (!S.open) return toast('请先选择会话');
    if (!from) return toast('请先选择发言身份');
    if (!body.text && !body.photo && !body.location) return toast('请输入消息内容');
    $('send').disabled = true;
    try {
      await api('POST', '/chats/' + encodeURIComponent(S.open) + '/messages', body);
      $('text').value = ''; autosize();
      clearPending();
      await tickOpen();
      scrollBottom();
    } catch (e) { toast(e.message); } finally { $('send').disabled = false; $('text').focus(); }
  }

  // ---- attachments ----
  function renderChips() {
    const box = $('chips');
    box.textContent = '';
    const chip = (label, clear) => {
      const c = el('span', 'chip', label);
      const x = el('button', 'chip-x', '×'); x.type = 'button'; x.setAttribute('aria-label', '移除'); x.onclick = clear;
      c.append(x); box.append(c);
    };
    if (S.pending.photo) chip(S.pending.photo.startsWith('data:') ? '图片：本地文件' : '图片：' + S.pending.photo.slice(0, 40),
      () => { S.pending.photo = null; $('photo-url').value = ''; $('photo-file').value = ''; renderChips(); });
    if (S.pending.location) chip('位置：' + (S.pending.location.label || '未命名'),
      () => { S.pending.location = null; renderChips(); });
  }
  function clearPending() {
    S.pending.photo = null; S.pending.location = null;
    $('photo-url').value = ''; $('photo-file').value = '';
    $('photo-panel').hidden = true; $('loc-panel').hidden = true;
    renderChips();
  }
  function readLocation() {
    const lat = parseFloat($('loc-lat').value), lng = parseFloat($('loc-lng').value);
    const label = $('loc-label').value.trim();
    S.pending.location = isFinite(lat) && isFinite(lng) ? { lat, lng, label: label || '我的位置' } : null;
    renderChips();
  }
  // Big camera photos are shrunk so the JSON body stays small.
  function fileToDataUrl(file) {
    return new Promise((resolve, reject) => {
      const r = new FileReader();
      r.onerror = () => reject(new Error('读取图片失败'));
      r.onload = () => {
        if (file.size < 150 * 1024) return resolve(r.result);
        const img = new Image();
        img.onerror = () => resolve(r.result);
        img.onload = () => {
          const k = Math.min(1, 1280 / Math.max(img.width, img.height));
          const cv = document.createElement('canvas');
          cv.width = Math.round(img.width * k); cv.height = Math.round(img.height * k);
          cv.getContext('2d').drawImage(img, 0, 0, cv.width, cv.height);
          resolve(cv.toDataURL('image/jpeg', 0.82));
        };
        img.src = r.result;
      };
      r.readAsDataURL(file);
    });
  }
  function autosize() { const t = $('text'); t.style.height = 'auto'; t.style.height = Math.min(t.scrollHeight, 140) + 'px'; }

  // ---- wiring ----
  const phone = window.matchMedia('(max-width: 720px)');
  function wire() {
    const hint = () => { $('text').placeholder = phone.matches ? '输入消息' : '输入消息，Enter 发送，Shift+Enter 换行'; };
    hint(); phone.addEventListener('change', hint);
    $('composer').addEventListener('submit', send);
    $('text').addEventListener('input', autosize);
    $('text').addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); $('composer').requestSubmit(); }
    });
    $('speaker').addEventListener('change', (e) => {
      S.speaker.set(S.open, e.target.value);
      $('speaker-roles').textContent = rolesText(S.people.get(e.target.value));
      renderMessages();
    });
    $('search').addEventListener('input', renderList);
    let lastTop = 0; // content growing (images loading) must not unstick; only scrolling up does
    $('messages').addEventListener('scroll', (e) => {
      const top = e.target.scrollTop;
      stick = nearBottom() || (stick && top >= lastTop);
      lastTop = top;
    });
    $('back').addEventListener('click', () => { document.body.classList.remove('in-chat'); });
    $('btn-photo').addEventListener('click', () => { $('photo-panel').hidden = !$('photo-panel').hidden; });
    $('btn-loc').addEventListener('click', () => {
      const p = $('loc-panel'); p.hidden = !p.hidden;
      if (!p.hidden) { readLocation(); $('loc-label').focus(); }
    });
    for (const id of ['loc-lat', 'loc-lng', 'loc-label']) $(id).addEventListener('input', readLocation);
    $('photo-url').addEventListener('input', (e) => { S.pending.photo = e.target.value.trim() || null; renderChips(); });
    $('photo-file').addEventListener('change', async (e) => {
      const f = e.target.files && e.target.files[0];
      if (!f) return;
      try { S.pending.photo = await fileToDataUrl(f); $('photo-url').value = ''; renderChips(); } catch (err) { toast(err.message); }
    });
    window.addEventListener('hashchange', () => {
      const id = decodeURIComponent(location.hash.slice(1));
      if (S.byId.has(id) && id !== S.open) openChat(id);
    });
  }

  async function init() {
    try { load(await api('GET', '/chats')); } catch (e) { toast(e.message); setTimeout(init, 3000); }
  }
  function load(chats) {
    const zh = (a, b) => String(a).localeCompare(String(b), 'zh-CN');
    S.chats = (chats || []).slice().sort((a, b) => {
      if (a.kind !== b.kind) return a.kind === 'group' ? -1 : 1;
      if (a.kind === 'group') {
        const la = LEVEL_ORDER[a.node && a.node.level] ?? 9, lb = LEVEL_ORDER[b.node && b.node.level] ?? 9;
        return la - lb || zh(a.node ? a.node.code : a.title, b.node ? b.node.code : b.title);
      }
      return zh(chatTitle(a), chatTitle(b));
    });
    for (const c of S.chats) {
      c.members = c.members || [];
      S.byId.set(c.id, c);
      if (c.node) S.nodes.set(c.node.code, c.node.name);
      for (const m of c.members) if (!S.people.has(m.id)) S.people.set(m.id, m);
    }
    renderList();
    const want = decodeURIComponent(location.hash.slice(1));
    // On a phone the list is the start page; on a desktop the first chat opens at once.
    const first = S.byId.has(want) ? want : !phone.matches && S.chats[0] ? S.chats[0].id : null;
    if (first) openChat(first); else renderMessages();
    // Baseline every other chat so only messages arriving from now on count as unread.
    busyOthers = true;
    pollMany(S.chats.map((c) => c.id).filter((id) => id !== first), (id) => S.unread.set(id, 0))
      .then(() => { busyOthers = false; renderList(); });
    setInterval(tickOpen, 1000);
    setInterval(() => { if (S.open) refreshFull(S.open); }, 5000);
    setInterval(tickOthers, 4000);
  }

  wire();
  init();
})();
