// @ts-check
/* global chrome, document, location, navigator, addEventListener, setTimeout, HTMLInputElement, DataTransfer, DragEvent, ClipboardEvent, Event */
/**
 * Mamori upload monitor: blocking by policy, before the page receives a file (isolated world, every frame,
 * from document_start; loaded before content-script.js so its listeners run first).
 *
 * A file reaches a page in three ways the user makes: chosen in <input type=file> (events `input` then
 * `change`), dropped (`drop`), pasted (`paste`). Capture-phase listeners on the window run before any listener
 * the page can register, so for a destination in block or warn mode they stop the event before the page sees
 * it and clear the input (the page cannot read the file later either). Warn asks the user for a reason in a
 * closed shadow root the page cannot reach; if the user goes on, the same files are handed to the page by
 * re-dispatching the event. Block offers "Request access": the reason goes, through the service worker and the
 * native host, to the agent's access-request flow; an approval arrives as an exception in the pushed rules, so the
 * user simply tries again. The decision uses the rules the agent gave the service worker (chrome.storage.local),
 * for the host of this frame (an iframe's own host). Every block, answer, audit and exception used is reported.
 */
(() => {
  const policy = /** @type {any} */ (globalThis).mamoriPolicy;
  /** @type {any} */
  let rules;
  /** @type {((rules: any) => void)[]} */
  let waiting = [];
  /** Events we dispatch ourselves after a confirmation: let through untouched. @type {WeakSet<Event>} */
  const ours = new WeakSet();
  /** If the agent's rules never arrive (extension just installed, agent down), files go through after this. */
  const RULES_WAIT_MS = 3000;

  const loaded = (/** @type {any} */ value) => {
    rules = value;
    for (const resolve of waiting) resolve(value);
    waiting = [];
  };
  try {
    chrome.storage.local.get('mamoriRules').then((stored) => loaded(stored.mamoriRules), () => undefined);
    chrome.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && changes.mamoriRules) loaded(changes.mamoriRules.newValue);
    });
  } catch {
    // extension context gone
  }

  /** @returns {Promise<any>} */
  function rulesSoon() {
    if (rules !== undefined) return Promise.resolve(rules);
    return new Promise((resolve) => {
      waiting.push(resolve);
      setTimeout(() => resolve(rules), RULES_WAIT_MS);
    });
  }

  /** @param {object} message */
  function tell(message) {
    try {
      void chrome.runtime.sendMessage(message).catch(() => undefined);
    } catch {
      // extension reloaded under this page
    }
  }

  const host = () => location.hostname;
  /** @param {any} table */
  const decide = (table) => (table && host() ? policy.decideUpload(table, host(), Date.now()) : { mode: 'allow', category: '', rule: '' });

  /** @param {string} outcome @param {'input' | 'drop' | 'paste'} via @param {File[]} files @param {string} reason */
  function report(outcome, via, files, reason = '') {
    tell({
      kind: 'decision', outcome, via, reason, host: host(), pageUrl: `${location.origin}${location.pathname}`,
      files: files.slice(0, 100).map((f) => ({ name: f.name || 'unnamed', size: f.size })),
    });
  }

  // ---- The in-page message ----------------------------------------------------------------------------

  const ja = /^ja\b/i.test(navigator.language || '');
  const categoryNames = {
    file_transfer: ['ファイル転送サービス', 'a file transfer service'],
    personal_cloud: ['個人向けクラウドストレージ', 'personal cloud storage'],
    webmail: ['Web メール', 'webmail'],
    generative_ai: ['生成 AI サービス', 'a generative AI service'],
    social_media: ['ソーシャルメディア', 'social media'],
    uncategorised: ['未分類のサイト', 'an uncategorised site'],
  };
  /** @param {string} category */
  const categoryName = (category) => (/** @type {any} */ (categoryNames)[category] ?? [category, category])[ja ? 0 : 1];

  /**
   * Sends "request access" for this site to the agent (through the service worker and the native host), which
   * files it in the tray's access-request flow. Resolves with what to tell the user.
   * @param {string} reason @param {File[]} files
   * @returns {Promise<{ok: boolean, existing?: boolean, message?: string}>}
   */
  async function askForAccess(reason, files) {
    try {
      const answer = await chrome.runtime.sendMessage({
        kind: 'access-request', host: host(), reason, files: files.slice(0, 100).map((f) => ({ name: f.name || 'unnamed', size: f.size })),
      });
      return answer && typeof answer === 'object' ? answer : { ok: false, message: 'no answer' };
    } catch {
      return { ok: false, message: ja ? '拡張機能に接続できません' : 'the extension cannot be reached' };
    }
  }

  /**
   * Shows the message; resolves with the reason when the user goes on (warn), or undefined.
   * @param {'block' | 'warn'} mode @param {{category: string, rule: string}} decision @param {File[]} files @param {any} table
   * @returns {Promise<string | undefined>}
   */
  function showMessage(mode, decision, files, table) {
    return new Promise((resolve) => {
      const holder = document.createElement('mamori-upload-notice');
      const shadow = holder.attachShadow({ mode: 'closed' });
      const names = files.map((f) => f.name || 'unnamed').join(', ');
      const what = categoryName(decision.category);
      const contact = (table?.contact?.[ja ? 'ja' : 'en'] ?? '');
      const title = mode === 'block'
        ? (ja ? 'このサイトへのファイルのアップロードはブロックされました' : 'Uploading files to this site is blocked')
        : (ja ? 'このサイトへのアップロードには理由が必要です' : 'Uploading to this site needs a reason');
      const why = mode === 'block'
        ? (ja ? `${host()} は${what}です。会社のポリシーにより、ファイル「${names}」はこのサイトに渡されていません。`
          : `${host()} is ${what}. Company policy blocks uploads here: "${names}" was not given to this site.`)
        : (ja ? `${host()} は${what}です。ファイル「${names}」をこのサイトにアップロードする理由を入力してください。理由は記録されます。`
          : `${host()} is ${what}. Say why you are uploading "${names}" here; your reason is recorded.`);
      shadow.innerHTML = `<style>
        .back{position:fixed;inset:0;background:rgba(0,0,0,.45);z-index:2147483647;display:flex;align-items:center;justify-content:center;font:15px/1.5 system-ui,sans-serif}
        .box{background:#fff;color:#222;max-width:34em;width:calc(100% - 2em);border-radius:8px;padding:1.2em 1.4em;border-top:6px solid ${mode === 'block' ? '#c62828' : '#ef6c00'}}
        h2{font-size:1.1em;margin:0 0 .6em} p{margin:.4em 0} .rule{color:#666;font-size:.85em}
        textarea{width:100%;box-sizing:border-box;min-height:4em;font:inherit} .buttons{text-align:right;margin-top:.8em}
        button{font:inherit;margin-left:.5em;padding:.3em 1em} .ask-result{font-weight:600}</style>
        <div class="back" role="alertdialog" aria-modal="true"><div class="box">
        <h2 class="title"></h2><p class="why"></p><p class="contact"></p><p class="rule"></p>
        ${mode === 'warn' ? '<textarea class="reason" maxlength="1000"></textarea>' : ''}
        ${mode === 'block' ? '<div class="ask-box" hidden><p class="ask-intro"></p><textarea class="ask-reason" maxlength="500"></textarea></div><p class="ask-result" role="status"></p>' : ''}
        <div class="buttons">${mode === 'warn' ? '<button class="cancel"></button><button class="go" disabled></button>'
          : '<button class="ask"></button><button class="send" hidden disabled></button><button class="close"></button>'}</div>
        </div></div>`;
      const text = (/** @type {string} */ selector, /** @type {string} */ value) => {
        const node = shadow.querySelector(selector);
        if (node) node.textContent = value;
      };
      text('.title', title);
      text('.why', why);
      text('.contact', contact);
      text('.rule', `${ja ? 'ポリシー' : 'Policy'}: ${decision.rule}`);
      text('.close', ja ? '閉じる' : 'Close');
      text('.cancel', ja ? 'キャンセル' : 'Cancel');
      text('.go', ja ? 'アップロードする' : 'Upload');
      text('.ask', ja ? 'アクセスを申請' : 'Request access');
      text('.send', ja ? '申請を送る' : 'Send request');
      text('.ask-intro', ja
        ? `${host()} へのアップロードが必要な理由を書いてください。管理者が承認すると、このPCからアップロードできるようになります。`
        : `Say why you need to upload to ${host()}. If an administrator approves, uploads from this PC are allowed and you can try again.`);
      const done = (/** @type {string | undefined} */ value) => {
        holder.remove();
        resolve(value);
      };
      const reason = /** @type {HTMLTextAreaElement | null} */ (shadow.querySelector('.reason'));
      const go = /** @type {HTMLButtonElement | null} */ (shadow.querySelector('.go'));
      reason?.addEventListener('input', () => { if (go) go.disabled = reason.value.trim().length === 0; });
      // Only the user's own clicks count (isTrusted): page script cannot answer the question for them.
      shadow.querySelector('.close')?.addEventListener('click', (e) => { if (e.isTrusted) done(undefined); });
      shadow.querySelector('.cancel')?.addEventListener('click', (e) => { if (e.isTrusted) done(undefined); });
      go?.addEventListener('click', (e) => { if (e.isTrusted && reason && reason.value.trim()) done(reason.value.trim().slice(0, 1000)); });
      // Block: "Request access" opens a reason box; sending files the request in the tray's access-request flow.
      const ask = /** @type {HTMLButtonElement | null} */ (shadow.querySelector('.ask'));
      const send = /** @type {HTMLButtonElement | null} */ (shadow.querySelector('.send'));
      const askBox = /** @type {HTMLElement | null} */ (shadow.querySelector('.ask-box'));
      const askReason = /** @type {HTMLTextAreaElement | null} */ (shadow.querySelector('.ask-reason'));
      ask?.addEventListener('click', (e) => {
        if (!e.isTrusted || !askBox || !send) return;
        askBox.hidden = false;
        ask.hidden = true;
        send.hidden = false;
        askReason?.focus();
      });
      askReason?.addEventListener('input', () => { if (send) send.disabled = askReason.value.trim().length === 0; });
      send?.addEventListener('click', (e) => {
        const words = askReason?.value.trim() ?? '';
        if (!e.isTrusted || !words || !askReason) return;
        send.disabled = true;
        askReason.disabled = true;
        text('.ask-result', ja ? '送信中…' : 'Sending…');
        void askForAccess(words.slice(0, 500), files).then((answer) => {
          if (answer.ok) {
            send.hidden = true;
            text('.ask-result', answer.existing
              ? (ja ? 'このサイトへの申請はすでに回答を待っています。承認されたら、もう一度ファイルを選んでください。'
                : 'A request for this site is already waiting for an answer. Once it is approved, choose the file again.')
              : (ja ? '申請を送信しました。承認されたら、もう一度ファイルを選んでください。'
                : 'Your request was sent. Once it is approved, choose the file again.'));
            return;
          }
          send.disabled = false;
          askReason.disabled = false;
          text('.ask-result', `${ja ? '申請を送信できませんでした' : 'The request could not be sent'}: ${answer.message ?? ''}`);
        });
      });
      (document.body ?? document.documentElement).appendChild(holder);
      reason?.focus();
    });
  }

  // ---- Interception -------------------------------------------------------------------------------------

  /**
   * Decides for files entering the page. `pass` hands them to the page after a confirmation.
   * @param {Event} event @param {'input' | 'drop' | 'paste'} via @param {File[]} files @param {() => void} withhold @param {() => void} pass
   */
  function enforce(event, via, files, withhold, pass) {
    if (!event.isTrusted || ours.has(event) || files.length === 0) return;
    const decision = decide(rules);
    if (rules !== undefined && (decision.mode === 'allow' || decision.mode === 'audit')) {
      if (decision.mode === 'audit') report('audit', via, files);
      if (decision.exceptionUntilMs) report('exception_applied', via, files);
      return;
    }
    // Block, warn, or rules not known yet: the page does not get the event now.
    event.preventDefault();
    event.stopImmediatePropagation();
    withhold();
    void rulesSoon().then(async (table) => {
      const late = decide(table);
      if (late.mode === 'allow' || late.mode === 'audit') {
        if (late.mode === 'audit') report('audit', via, files);
        if (late.exceptionUntilMs) report('exception_applied', via, files);
        pass();
        return;
      }
      if (late.mode === 'block') {
        report('block', via, files);
        await showMessage('block', late, files, table);
        return;
      }
      const reason = await showMessage('warn', late, files, table);
      report(reason === undefined ? 'warn_cancelled' : 'warn_confirmed', via, files, reason ?? '');
      if (reason !== undefined) pass();
    });
  }

  /** @param {File[]} files */
  const transfer = (files) => {
    const data = new DataTransfer();
    for (const file of files) data.items.add(file);
    return data;
  };
  /** content-script.js notes files the page received; a re-dispatched event is not trusted, so tell it here. */
  const noted = (/** @type {'input' | 'drop' | 'paste'} */ via, /** @type {File[]} */ files) => /** @type {any} */ (globalThis).mamoriNote?.(via, files);

  /** Files withheld from an input between its `input` and `change` events (both fire for one choice). */
  const withheldInputs = new WeakMap();
  for (const type of ['input', 'change']) {
    addEventListener(type, (event) => {
      const target = event.target;
      if (!(target instanceof HTMLInputElement) || target.type !== 'file' || !event.isTrusted || ours.has(event)) return;
      if (type === 'change' && withheldInputs.has(target)) {
        // The `input` event already withheld this choice; the page must not see `change` either.
        withheldInputs.delete(target);
        event.stopImmediatePropagation();
        return;
      }
      const files = Array.from(target.files ?? []);
      enforce(event, 'input', files, () => {
        if (type === 'input') withheldInputs.set(target, true);
        target.value = '';
      }, () => {
        target.files = transfer(files).files;
        noted('input', files);
        for (const name of ['input', 'change']) {
          const again = new Event(name, { bubbles: true });
          ours.add(again);
          target.dispatchEvent(again);
        }
      });
    }, true);
  }

  addEventListener('drop', (event) => {
    const files = Array.from(event.dataTransfer?.files ?? []);
    const target = event.target;
    const { clientX, clientY } = event;
    enforce(event, 'drop', files, () => undefined, () => {
      noted('drop', files);
      const again = new DragEvent('drop', { bubbles: true, cancelable: true, clientX, clientY, dataTransfer: transfer(files) });
      ours.add(again);
      (target ?? document).dispatchEvent(again);
    });
  }, true);

  addEventListener('paste', (event) => {
    const files = Array.from(event.clipboardData?.files ?? []);
    const target = event.target;
    enforce(event, 'paste', files, () => undefined, () => {
      noted('paste', files);
      const again = new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: transfer(files) });
      ours.add(again);
      (target ?? document).dispatchEvent(again);
    });
  }, true);

})();
