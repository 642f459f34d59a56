/**
 * The tray window's content, served by the agent on its loopback endpoint (GET /tray). Electron shows it in the
 * tray's window; tests open it in Chromium. Plain DOM, no framework, and every value from the agent is written
 * with textContent (device names, rule messages and the admin's note are untrusted). Kept as strings so the
 * single-executable build carries it without extra files.
 */

export const trayHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mamori</title>
<link rel="stylesheet" href="/tray/app.css">
<script src="/tray/app.js" defer></script>
</head>
<body>
<header>
  <h1 data-i18n="title">Mamori</h1>
  <button id="lang" type="button" aria-label="language">日本語</button>
</header>
<section id="monitored" class="notice" role="status">
  <h2 data-i18n="monitored">This PC is monitored</h2>
  <p id="purpose"></p>
  <p class="meta"><span data-i18n="pc">PC</span>: <span id="pc"></span> · <span data-i18n="usb">USB storage</span>: <span id="device-mode"></span></p>
</section>
<section id="blocks">
  <h2 data-i18n="blocked">Blocked</h2>
  <p id="no-blocks" data-i18n="none">Nothing has been blocked.</p>
  <ul id="block-list"></ul>
</section>
<section id="requests">
  <h2 data-i18n="requests">Your access requests</h2>
  <p id="no-requests" data-i18n="noRequests">No requests.</p>
  <ul id="request-list"></ul>
</section>
<section id="self-view" hidden>
  <h2 data-i18n="selfView">Your activity indicators</h2>
  <p class="meta" data-i18n="selfViewWhy">What the organisation's risk scoring noticed in your own activity (only you and the security team see it).</p>
  <p><span data-i18n="selfScore">Your score today</span>: <strong id="self-score"></strong></p>
  <p id="no-self-days" data-i18n="noSelfDays">Nothing noted in the last days.</p>
  <ul id="self-days"></ul>
</section>
<section id="unlock">
  <h2 data-i18n="unlock">Offline unlock code</h2>
  <form id="unlock-form">
    <input id="unlock-code" name="code" autocomplete="off" placeholder="XXXX-XXXX-XXXX-XXXX" maxlength="40">
    <button type="submit" data-i18n="unlockButton">Unlock</button>
  </form>
  <p id="unlock-result" role="status"></p>
</section>
<template id="block-item">
  <li class="block">
    <strong class="kind"></strong> <span class="subject"></span>
    <p class="message"></p>
    <p class="rule meta"></p>
    <form class="request-form" hidden>
      <label><span data-i18n="reason">Why do you need access?</span>
        <textarea name="reason" maxlength="500" rows="2"></textarea></label>
      <button type="submit" data-i18n="requestButton">Request access</button>
      <span class="request-error" role="alert"></span>
    </form>
  </li>
</template>
</body>
</html>
`;

export const trayCss = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; padding: 12px 16px; color: #1b1f23; background: #fafbfc; }
header { display: flex; justify-content: space-between; align-items: center; }
h1 { font-size: 18px; margin: 0; } h2 { font-size: 15px; margin: 16px 0 6px; }
.notice { background: #e8f1fb; border-left: 4px solid #1f6feb; padding: 8px 12px; }
.block { background: #fff4f4; border-left: 4px solid #cf222e; padding: 8px 12px; margin: 6px 0; list-style: none; }
.block.new { outline: 2px solid #cf222e; }
ul { padding: 0; } .meta { color: #57606a; font-size: 12px; }
.request { list-style: none; padding: 6px 10px; margin: 4px 0; background: #fff; border: 1px solid #d0d7de; }
.request.approved { border-color: #1a7f37; } .request.declined { border-color: #cf222e; }
.self-day { list-style: none; padding: 6px 10px; margin: 4px 0; background: #fff; border: 1px solid #d0d7de; }
.self-day li { list-style: disc; margin-left: 18px; }
textarea { width: 100%; box-sizing: border-box; } .request-error, .error { color: #cf222e; }
`;

export const trayScript = `'use strict';
(() => {
  const text = {
    en: { title: 'Mamori', monitored: 'This PC is monitored', pc: 'PC', usb: 'USB storage', blocked: 'Blocked',
      none: 'Nothing has been blocked.', requests: 'Your access requests', noRequests: 'No requests.',
      unlock: 'Offline unlock code', unlockButton: 'Unlock', reason: 'Why do you need access?', requestButton: 'Request access',
      requestAccess: 'Request access', kinds: { device: 'Device blocked:', mail: 'Mail blocked:', upload: 'Upload blocked:', print: 'Print cancelled:' },
      status: { pending: 'Waiting for the administrator', approved: 'Approved', declined: 'Declined' }, until: 'until',
      rule: 'Rule', unlocked: 'Unlocked until', other: '日本語',
      selfView: 'Your activity indicators', selfViewWhy: "What the organisation's risk scoring noticed in your own activity (only you and the security team see it).",
      selfScore: 'Your score today', noSelfDays: 'Nothing noted in the last days.', points: 'points', exception: '{mode} until {until} (exception)', modes: { block: 'blocked', allow: 'allowed', read_only: 'read-only', audit: 'logged only' } },
    ja: { title: 'Mamori', monitored: 'このPCは監視されています', pc: 'PC', usb: 'USBストレージ', blocked: 'ブロックされた操作',
      none: 'ブロックされた操作はありません。', requests: 'アクセス申請', noRequests: '申請はありません。',
      unlock: 'オフライン解除コード', unlockButton: '解除', reason: '必要な理由', requestButton: 'アクセスを申請',
      requestAccess: 'アクセスを申請', kinds: { device: 'デバイスをブロック:', mail: 'メールをブロック:', upload: 'アップロードをブロック:', print: '印刷を中止:' },
      status: { pending: '管理者の回答待ち', approved: '承認されました', declined: '却下されました' }, until: 'まで',
      rule: 'ルール', unlocked: '解除しました。期限:', other: 'English',
      selfView: 'ご自身の操作の指標', selfViewWhy: 'リスク評価がご自身の操作について記録した内容です（ご本人とセキュリティ担当者だけが見られます）。',
      selfScore: '本日のスコア', noSelfDays: '最近の記録はありません。', points: '点', exception: '{until} まで{mode}（例外）', modes: { block: 'ブロック', allow: '許可', read_only: '読み取り専用', audit: '記録のみ' } },
  };
  const stored = new URLSearchParams(location.search).get('lang');
  let lang = stored === 'ja' || stored === 'en' ? stored : (navigator.language || 'en').toLowerCase().startsWith('ja') ? 'ja' : 'en';
  let state = null;
  let revision = -1;
  const seen = new Set();
  let first = true;
  const $ = (id) => document.getElementById(id);
  const time = (ms) => new Date(ms).toLocaleString(lang === 'ja' ? 'ja-JP' : undefined);

  async function call(method, path, body) {
    const response = await fetch(path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || ('HTTP ' + response.status));
    return data;
  }

  function render() {
    const t = text[lang];
    document.documentElement.lang = lang;
    document.querySelectorAll('[data-i18n]').forEach((el) => { const v = t[el.dataset.i18n]; if (typeof v === 'string') el.textContent = v; });
    $('lang').textContent = t.other;
    if (!state) return;
    $('purpose').textContent = state.purpose[lang] || state.purpose.en || '';
    $('pc').textContent = state.pc;
    // An exception in force changes what the user can do now: say so next to the PC's mode, with its end.
    $('device-mode').textContent = (t.modes[state.deviceMode] || state.deviceMode) + (state.exceptions || []).map((x) =>
      ' · ' + t.exception.replace('{mode}', t.modes[x.mode] || x.mode).replace('{until}', time(x.untilMs)) + (x.serial ? ' (' + x.serial + ')' : '')).join('');
    const list = $('block-list');
    const pendingDevices = new Set(state.requests.filter((r) => r.status === 'pending' && r.device).map((r) => r.device.vendorId + ':' + r.device.productId + ':' + r.device.serial));
    // Rebuild the block list only when it changes, so an update never takes away a reason being typed.
    const listKey = lang + '|' + state.notifications.map((n) => n.id).join(',') + '|' + [...pendingDevices].join(',');
    if (list.dataset.key !== listKey) renderBlocks(t, list, pendingDevices, listKey);
    renderRequests(t);
    renderSelfView(t);
  }

  function renderSelfView(t) {
    const view = state.selfView;
    $('self-view').hidden = !view;
    if (!view) return;
    $('self-score').textContent = String(view.score);
    const list = $('self-days');
    list.replaceChildren();
    for (const day of view.days) {
      const li = document.createElement('li');
      li.className = 'self-day';
      const head = document.createElement('strong');
      head.textContent = day.date + ': +' + day.points + ' ' + t.points;
      const items = document.createElement('ul');
      for (const item of day.items) {
        const entry = document.createElement('li');
        entry.textContent = (item[lang] || item.en) + ' — ' + item.detail + ' (+' + item.points + ' ' + t.points + ')';
        items.append(entry);
      }
      li.append(head, items);
      list.append(li);
    }
    $('no-self-days').hidden = view.days.length > 0;
  }

  function renderBlocks(t, list, pendingDevices, listKey) {
    list.dataset.key = listKey;
    const openForms = new Map();
    list.querySelectorAll('li').forEach((li) => { const ta = li.querySelector('textarea'); if (ta && !li.querySelector('form').hidden) openForms.set(li.dataset.id, ta.value); });
    list.replaceChildren();
    for (const n of [...state.notifications].reverse()) {
      const li = $('block-item').content.firstElementChild.cloneNode(true);
      li.dataset.id = n.id;
      li.dataset.kind = n.kind;
      if (!first && !seen.has(n.id)) li.classList.add('new');
      li.querySelector('.kind').textContent = t.kinds[n.kind] || n.kind;
      li.querySelector('.subject').textContent = n.subject;
      li.querySelector('.message').textContent = n.message;
      li.querySelector('.rule').textContent = t.rule + ': ' + n.rule + ' · ' + time(n.timeMs);
      li.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t[el.dataset.i18n]; });
      const form = li.querySelector('form');
      const key = n.device ? n.device.vendorId + ':' + n.device.productId + ':' + n.device.serial : '';
      if (n.requestable && !pendingDevices.has(key)) {
        form.hidden = false;
        if (openForms.has(n.id)) form.querySelector('textarea').value = openForms.get(n.id);
        form.addEventListener('submit', async (e) => {
          e.preventDefault();
          const error = form.querySelector('.request-error');
          error.textContent = '';
          try {
            await call('POST', '/tray/v1/access-requests', { notificationId: n.id, reason: form.querySelector('textarea').value });
            await refresh(false);
          } catch (err) { error.textContent = err.message; }
        });
      }
      list.append(li);
    }
    for (const n of state.notifications) seen.add(n.id);
    first = false;
    $('no-blocks').hidden = state.notifications.length > 0;
  }

  function renderRequests(t) {
    const requests = $('request-list');
    requests.replaceChildren();
    for (const r of [...state.requests].reverse()) {
      const li = document.createElement('li');
      li.className = 'request ' + r.status;
      li.dataset.id = r.id;
      li.dataset.status = r.status;
      const head = document.createElement('strong');
      head.textContent = t.status[r.status] + (r.status === 'approved' && r.untilMs ? ' (' + t.until + ' ' + time(r.untilMs) + ')' : '');
      const what = document.createElement('div');
      what.textContent = (r.upload ? t.kinds.upload + ' ' : '') + r.subject + ' — ' + r.reason;
      li.append(head, what);
      if (r.note) { const note = document.createElement('div'); note.className = 'meta'; note.textContent = r.note; li.append(note); }
      requests.append(li);
    }
    $('no-requests').hidden = state.requests.length > 0;
  }

  async function refresh(wait) {
    const query = wait && revision >= 0 ? '?after=' + revision : '';
    state = await call('GET', '/tray/v1/state' + query);
    revision = state.revision;
    render();
  }

  async function loop() {
    for (;;) {
      try { await refresh(true); } catch { await new Promise((r) => setTimeout(r, 2000)); }
    }
  }

  $('lang').addEventListener('click', () => { lang = lang === 'ja' ? 'en' : 'ja'; render(); });
  $('unlock-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const out = $('unlock-result');
    out.className = '';
    out.textContent = '';
    try {
      const result = await call('POST', '/tray/v1/unlock', { code: $('unlock-code').value });
      out.textContent = text[lang].unlocked + ' ' + time(result.untilMs);
      $('unlock-code').value = '';
      await refresh(false);
    } catch (err) { out.className = 'error'; out.textContent = err.message; }
  });
  refresh(false).then(loop, loop);
})();
`;
