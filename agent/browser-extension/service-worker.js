// @ts-check
/* global chrome, crypto, navigator, fetch, URL, importScripts */
/**
 * Mamori upload monitor: the extension's service worker.
 *
 * What it watches: every request that carries a user's file in its body. chrome.webRequest.onBeforeRequest with
 * ['requestBody'] exposes, for each file part of a multipart form (fetch/XHR with FormData, plain form posts),
 * the full local path of the file: the agent hashes that real file, so size and SHA-256 come from the disk.
 * A File sent as the whole body (fetch/XHR with a Blob body) shows only as requestBody.error: such a request is
 * paired with the file the user chose in that tab and the page-world hook named (see page-hook.js); that file is
 * hashed in the content script. The content script also says how each file entered the page (input or drop).
 *
 * How it talks to the agent: HTTP on the loopback endpoint (agent.json, default http://127.0.0.1:7444). The
 * agent accepts these routes only from Origin chrome-extension://<our pinned id> (the manifest's `key` fixes the
 * id), which no web page can forge, then hands this profile a token at pairing that every later call carries.
 * See README.md for why this channel and what it does and does not defend against.
 */

importScripts('policy.js');

const AGENT_CONFIG_URL = chrome.runtime.getURL('agent.json');
const DEFAULT_ENDPOINT = 'http://127.0.0.1:7444';
const HEARTBEAT_ALARM = 'mamori-heartbeat';
/** How long a file chosen in a tab stays matched to the request that sends it. */
const SELECTION_TTL_MS = 10 * 60 * 1000;
/** Reports not yet accepted by the agent are retried, up to this many kept (oldest dropped first). */
const MAX_PENDING = 500;

/** @type {Map<number, {name: string, size: number, method: string, at: number, sha256?: string}[]>} files chosen per tab */
const selections = new Map();
/** @type {Map<number, string>} last page URL per tab, from the content script */
const pages = new Map();
/** @type {Set<string>} request ids already reported (redirects re-fire onBeforeRequest with the same id) */
const reportedRequests = new Set();
/** Requests whose body webRequest could not show (a File/Blob as the whole body). @type {{tabId: number, url: string, pageUrl: string, at: number}[]} */
const opaqueRequests = [];
/** Files the content script hashed because the page said it was sending them. @type {{tabId: number, url: string, name: string, size: number, sha256: string, method: string, at: number}[]} */
const blobClaims = [];
/** Parsed form posts naming a chosen file, waiting for its hash. @type {any[]} */
const namedRequests = [];
/** How long an opaque request and a claim may wait for each other. */
const MATCH_WINDOW_MS = 60 * 1000;
/** @type {object[]} reports waiting for the agent */
const pending = [];
let flushing = false;

// ---- Identity of this browser profile -------------------------------------------------------------------

/** @type {Promise<string> | undefined} */
let profilePromise;
/**
 * A random id per profile, kept in the profile's extension storage: stable across restarts, not a user name.
 * Memoised: at startup several callers ask at once, and each would otherwise mint its own id.
 */
function profileId() {
  profilePromise ??= (async () => {
    const stored = await chrome.storage.local.get('profileId');
    if (typeof stored.profileId === 'string') return stored.profileId;
    const id = crypto.randomUUID();
    await chrome.storage.local.set({ profileId: id });
    return id;
  })();
  return profilePromise;
}

function browserName() {
  /** @type {{brands?: {brand: string}[]} | undefined} */
  const data = /** @type {any} */ (navigator).userAgentData;
  const brands = (data?.brands ?? []).map((b) => b.brand);
  if (brands.includes('Microsoft Edge')) return 'edge';
  if (brands.includes('Google Chrome')) return 'chrome';
  return 'chromium';
}

// ---- Agent channel ------------------------------------------------------------------------------------

/** @type {Promise<string> | undefined} */
let endpointPromise;
function endpoint() {
  endpointPromise ??= fetch(AGENT_CONFIG_URL)
    .then((r) => (r.ok ? r.json() : {}))
    .then((c) => (typeof c.endpoint === 'string' ? c.endpoint : DEFAULT_ENDPOINT))
    .catch(() => DEFAULT_ENDPOINT);
  return endpointPromise;
}

async function pair() {
  const body = { profileId: await profileId(), browser: browserName(), extensionVersion: chrome.runtime.getManifest().version };
  const response = await fetch(`${await endpoint()}/extension/v1/pair`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`pairing refused: ${response.status}`);
  const { token, uninstallKey, rules } = await response.json();
  await applyRules(rules);
  // Session storage lives as long as the browser session and is not readable by content scripts or pages.
  await chrome.storage.session.set({ agentToken: token });
  // If the extension is removed, Chrome opens this URL: the agent learns at once, keyed so pages cannot fake it.
  if (typeof uninstallKey === 'string') {
    await chrome.runtime.setUninstallURL(`${await endpoint()}/extension/v1/uninstalled?p=${encodeURIComponent(body.profileId)}&k=${encodeURIComponent(uninstallKey)}`);
  }
  return /** @type {string} */ (token);
}

async function token() {
  const stored = await chrome.storage.session.get('agentToken');
  return typeof stored.agentToken === 'string' ? stored.agentToken : pair();
}

/** Posts to the agent; pairs again once if the agent forgot us (agent restart). */
async function post(path, body) {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const response = await fetch(`${await endpoint()}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mamori-token': attempt === 0 ? await token() : await pair() },
      body: JSON.stringify(body),
    });
    if (response.status !== 401) return response;
  }
  throw new Error('agent refused our token twice');
}

async function heartbeat() {
  try {
    const response = await post('/extension/v1/heartbeat', {
      profileId: await profileId(), browser: browserName(), extensionVersion: chrome.runtime.getManifest().version,
    });
    if (response.ok) await applyRules((await response.json()).rules);
  } catch {
    // The agent may be restarting; the next alarm tries again and the agent sees the gap as missed heartbeats.
  }
  void flush();
}

// ---- Upload policy from the agent -----------------------------------------------------------------------

/** DNR rule ids this extension owns for blocked destinations (the second line behind the content script). */
const BLOCK_RULE_BASE = 1000;

/**
 * Keeps the agent's rule table where content scripts read it (chrome.storage.local survives restarts, so a PC
 * whose agent is briefly unreachable keeps enforcing the last policy), and turns block-mode destinations into
 * declarativeNetRequest rules: a POST/PUT/PATCH to them is refused by the browser even from a page or worker
 * the content script never saw (a file picked through an API we do not intercept).
 */
async function applyRules(rules) {
  if (!rules || typeof rules !== 'object') return;
  const stored = await chrome.storage.local.get('mamoriRules');
  if (JSON.stringify(stored.mamoriRules) !== JSON.stringify(rules)) await chrome.storage.local.set({ mamoriRules: rules });
  const blocked = new Set();
  const now = Date.now();
  for (const domains of Object.values(rules.categories ?? {})) {
    for (const domain of domains) if (globalThis.mamoriPolicy.decideUpload(rules, domain, now).mode === 'block') blocked.add(domain);
  }
  for (const [domain, ruled] of Object.entries(rules.domainModes ?? {})) {
    if (ruled?.mode === 'block' && globalThis.mamoriPolicy.decideUpload(rules, domain, now).mode === 'block') blocked.add(domain);
  }
  const excluded = [...(rules.allowDomains ?? []), ...(rules.exceptions ?? []).filter((x) => x.domain && x.untilMs > now).map((x) => x.domain)];
  const existing = await chrome.declarativeNetRequest.getDynamicRules();
  const addRules = blocked.size === 0 ? [] : [{
    id: BLOCK_RULE_BASE, priority: 1, action: { type: 'block' },
    condition: {
      requestDomains: [...blocked].slice(0, 5000), requestMethods: ['post', 'put', 'patch'],
      ...(excluded.length > 0 ? { excludedRequestDomains: excluded.slice(0, 5000) } : {}),
    },
  }];
  await chrome.declarativeNetRequest.updateDynamicRules({
    removeRuleIds: existing.filter((r) => r.id >= BLOCK_RULE_BASE && r.id < BLOCK_RULE_BASE + 100).map((r) => r.id), addRules,
  });
}

async function flush() {
  if (flushing) return;
  flushing = true;
  try {
    while (pending.length > 0) {
      const response = await post(pending[0].path, pending[0].body);
      // 4xx other than 429 means the agent will never accept this report: drop it rather than block the queue.
      if (response.status === 429 || response.status >= 500) break;
      pending.shift();
    }
  } catch {
    // Agent unreachable: keep the queue, retry on the next heartbeat.
  } finally {
    flushing = false;
  }
}

// ---- What the content script tells us -----------------------------------------------------------------

chrome.runtime.onMessage.addListener((message, sender) => {
  // Only our own content scripts reach onMessage (no externally_connectable, no onMessageExternal listener).
  if (sender.id !== chrome.runtime.id || !sender.tab || typeof sender.tab.id !== 'number') return;
  const tabId = sender.tab.id;
  if (sender.frameId === 0 && typeof sender.url === 'string') pages.set(tabId, sender.url);
  if (message?.kind === 'decision') {
    // enforce.js: a block, a warning answered, an audit or an exception used. The agent re-decides with its rules.
    if (typeof message.outcome !== 'string' || typeof message.host !== 'string' || !Array.isArray(message.files)) return;
    enqueue('/extension/v1/decisions', {
      reportId: crypto.randomUUID(), host: message.host.slice(0, 253), pageUrl: stripQuery(String(message.pageUrl ?? '')),
      outcome: message.outcome, via: message.via, reason: String(message.reason ?? '').slice(0, 1000),
      files: message.files.slice(0, 100).map((f) => ({ name: String(f?.name ?? 'unnamed').slice(0, 1024) || 'unnamed', size: Number(f?.size) || 0 })),
    });
    return;
  }
  if (message?.kind === 'blob-upload') {
    if (typeof message.url !== 'string' || typeof message.name !== 'string' || typeof message.size !== 'number'
      || typeof message.sha256 !== 'string') return;
    blobClaims.push({
      tabId, url: stripQuery(message.url), name: message.name.slice(0, 1024), size: message.size, sha256: message.sha256,
      method: message.method === 'drop' || message.method === 'paste' ? message.method : 'input', at: Date.now(),
    });
    blobClaims.splice(0, Math.max(0, blobClaims.length - 200));
    matchBlobs();
    return;
  }
  if (message?.kind === 'selection-hash') {
    if (typeof message.name !== 'string' || typeof message.size !== 'number' || typeof message.sha256 !== 'string') return;
    const entry = [...(selections.get(tabId) ?? [])].reverse().find((s) => s.name === message.name && s.size === message.size);
    if (entry) entry.sha256 = message.sha256;
    matchNamed();
    return;
  }
  if (message?.kind !== 'selection' || !Array.isArray(message.files)) return;
  const method = message.method === 'drop' || message.method === 'paste' ? message.method : 'input';
  const now = Date.now();
  const list = (selections.get(tabId) ?? []).filter((s) => now - s.at < SELECTION_TTL_MS);
  for (const file of message.files.slice(0, 1000)) {
    if (typeof file?.name !== 'string') continue;
    list.push({ name: file.name.slice(0, 1024), size: Number(file.size) || 0, method, at: now });
  }
  selections.set(tabId, list.slice(-1000));
});

chrome.tabs?.onRemoved?.addListener((tabId) => {
  selections.delete(tabId);
  pages.delete(tabId);
});

// ---- The uploads themselves ---------------------------------------------------------------------------

/** Last path segment, for both POSIX and Windows paths. */
function baseName(path) {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/** Destination without query or fragment: those often carry session tokens that do not belong in a log. */
function stripQuery(url) {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '';
  }
}

/** Pairs each opaque-body request with the hashed file the same tab said it sent to the same URL. */
function matchBlobs() {
  const now = Date.now();
  for (const list of [opaqueRequests, blobClaims]) {
    for (let i = list.length - 1; i >= 0; i -= 1) if (now - list[i].at > MATCH_WINDOW_MS) list.splice(i, 1);
  }
  for (let i = 0; i < opaqueRequests.length; i += 1) {
    const request = opaqueRequests[i];
    const c = blobClaims.findIndex((claim) => claim.tabId === request.tabId && claim.url === request.url);
    if (c < 0) continue;
    const [claim] = blobClaims.splice(c, 1);
    opaqueRequests.splice(i, 1);
    i -= 1;
    queue({
      reportId: `${request.requestId}-${request.at}`, pageUrl: request.pageUrl, destinationUrl: request.url, transport: 'blob',
      timeMs: request.at, files: [{ name: claim.name, selectedBy: claim.method, size: claim.size, sha256: claim.sha256 }],
    });
  }
}

/** Reports each parsed form post once the content script has hashed the chosen file it names. */
function matchNamed() {
  const now = Date.now();
  for (let i = namedRequests.length - 1; i >= 0; i -= 1) {
    const request = namedRequests[i];
    if (now - request.at > MATCH_WINDOW_MS) {
      namedRequests.splice(i, 1);
      continue;
    }
    const chosen = selections.get(request.tabId) ?? [];
    const files = request.names.map((name) => [...chosen].reverse().find((s) => s.name === name));
    if (files.some((f) => !f || !f.sha256)) continue;
    namedRequests.splice(i, 1);
    queue({
      reportId: `${request.requestId}-${request.at}`, pageUrl: request.pageUrl, destinationUrl: request.url,
      transport: request.transport, timeMs: request.at,
      files: files.map((f) => ({ name: f.name, selectedBy: f.method, size: f.size, sha256: f.sha256 })),
    });
  }
}

/** Adds the profile and browser, queues the report and tries to deliver it. */
function queue(report) {
  void profileId().then((id) => enqueue('/extension/v1/uploads', { ...report, profileId: id, browser: browserName() }));
}

/** Queues one message for the agent (oldest dropped beyond MAX_PENDING) and tries to deliver. */
function enqueue(path, body) {
  pending.push({ path, body });
  if (pending.length > MAX_PENDING) pending.splice(0, pending.length - MAX_PENDING);
  void flush();
}

chrome.webRequest.onBeforeRequest.addListener(
  (details) => {
    if (details.tabId < 0 || reportedRequests.has(details.requestId)) return undefined;
    if (details.requestBody?.error && /^(POST|PUT|PATCH)$/.test(details.method)) {
      // A body webRequest cannot show: a File or Blob sent whole. The content script may claim it (see matchBlobs).
      reportedRequests.add(details.requestId);
      opaqueRequests.push({
        tabId: details.tabId, url: stripQuery(details.url), requestId: details.requestId, at: Date.now(),
        pageUrl: stripQuery(pages.get(details.tabId) ?? details.documentUrl ?? details.initiator ?? ''),
      });
      opaqueRequests.splice(0, Math.max(0, opaqueRequests.length - 200));
      matchBlobs();
      return undefined;
    }
    const formData = details.requestBody?.formData;
    if (formData && /^(POST|PUT|PATCH)$/.test(details.method)) {
      // Chrome parsed the multipart body: file parts appear as their file names only. Names the user chose in
      // this tab are files leaving; their hashes come from the content script (see matchNamed).
      const chosenNames = new Set((selections.get(details.tabId) ?? []).map((s) => s.name));
      const names = [...new Set(Object.values(formData).flat().filter((v) => typeof v === 'string' && chosenNames.has(v)))];
      if (names.length === 0) return undefined;
      reportedRequests.add(details.requestId);
      namedRequests.push({
        tabId: details.tabId, url: stripQuery(details.url), requestId: details.requestId, at: Date.now(), names: names.slice(0, 100),
        transport: details.type === 'main_frame' || details.type === 'sub_frame' ? 'form' : 'formdata',
        pageUrl: stripQuery(pages.get(details.tabId) ?? details.documentUrl ?? details.initiator ?? ''),
      });
      namedRequests.splice(0, Math.max(0, namedRequests.length - 200));
      matchNamed();
      return undefined;
    }
    const raw = details.requestBody?.raw;
    if (!raw) return undefined;
    const files = raw.filter((part) => typeof part.file === 'string' && part.file.length > 0).map((part) => part.file);
    if (files.length === 0) return undefined;
    reportedRequests.add(details.requestId);
    if (reportedRequests.size > 5000) reportedRequests.clear();

    // Which way the body left: a navigation is a plain form post; a lone file part is a File/Blob sent as the
    // whole body; anything else from script is multipart FormData (fetch and XHR look the same to webRequest).
    const transport = details.type === 'main_frame' || details.type === 'sub_frame'
      ? 'form'
      : raw.length === 1 ? 'blob' : 'formdata';
    const chosen = selections.get(details.tabId) ?? [];
    const pageUrl = pages.get(details.tabId) ?? details.documentUrl ?? details.initiator ?? '';
    queue({
      reportId: `${details.requestId}-${Date.now()}`,
      pageUrl: stripQuery(pageUrl),
      destinationUrl: stripQuery(details.url),
      transport,
      timeMs: Math.round(details.timeStamp),
      files: files.map((path) => {
        const match = [...chosen].reverse().find((s) => s.name === baseName(path));
        return { path, name: baseName(path), selectedBy: match?.method ?? 'script' };
      }),
    });
    return undefined;
  },
  { urls: ['<all_urls>'] },
  ['requestBody'],
);

// ---- Liveness -----------------------------------------------------------------------------------------

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === HEARTBEAT_ALARM) void heartbeat();
});

async function ensureAlarm() {
  if (!(await chrome.alarms.get(HEARTBEAT_ALARM))) {
    // 30 s is the shortest period Chrome allows for a packed extension.
    await chrome.alarms.create(HEARTBEAT_ALARM, { periodInMinutes: 0.5, delayInMinutes: 0.5 });
  }
}

chrome.runtime.onInstalled.addListener(() => { void ensureAlarm(); void heartbeat(); });
chrome.runtime.onStartup.addListener(() => { void ensureAlarm(); void heartbeat(); });
void ensureAlarm();
void heartbeat();
