import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { PolicyHolder } from '../../../core/policy-holder.ts';
import type { InspectResultShape } from '../../../inspect/common/result-shape.ts';
import { toContentInspection } from '../../../inspect/common/to-event.ts';
import type { ConnectionOwnerLookup, TcpConnection } from '../../../platform/connection-owner/connection-owner.ts';
import type { LocalResponse, LocalRoutes } from '../../../local/local-server.ts';
import { RateLimiter } from '../../../local/rate-limiter.ts';
import type { Emit, Sensor, SensorStatus } from '../../common/sensor.ts';
import { categorise, hostOf } from './categorise.ts';
import type { UploadSensorConfig } from './config.ts';
import { ExtensionHealthTracker, type KnownProfile } from './extension-health.ts';
import { firstIssue, HelloSchema, UploadReportSchema, type UploadReport } from './reports.ts';
import { monotonicMs } from '../../../core/monotonic.ts';
import { uploadRulesFor, type UploadRuleTable } from '@mamori/policies';
import { DecisionReportSchema, decisionEvent } from './decisions.ts';
import { judgeUploadAccess, UploadAccessReportSchema, type UploadAccessAsk, type UploadAccessReport } from './access-requests.ts';
import { AgentError } from '../../../errors.ts';
import { UNSEEN_UPLOAD_METHODS } from './unseen.ts';
import type { BridgeHandler, SocketPeer } from '../../../local/browser-bridge/index.ts';

/** Size and SHA-256 of a real local file. Rejects when the path is not a readable regular file. */
export interface FileHasher {
  /** Hashes at most `maxBytes`; a larger file gets its size and an empty sha256. */
  hash(path: string, maxBytes: number): Promise<{ size: number; sha256: string }>;
}

/** The content inspection engine as the upload sensor needs it (agent/src/inspect ContentInspector). */
export interface UploadContentReader {
  /** Undefined when content inspection is off. */
  rules(): unknown;
  /** What the engine made of the file; undefined when inspection is off. */
  inspect(source: { name: string; file: string }): Promise<InspectResultShape | undefined>;
}

/** Remembers known browser profiles across agent restarts. */
export interface ProfileStore {
  load(): KnownProfile[];
  save(profiles: KnownProfile[]): void;
}

export interface UploadSensorOptions {
  /** The agent's loopback endpoint; without it the sensor cannot hear the extension and says so. */
  routes: LocalRoutes | undefined;
  config: UploadSensorConfig;
  policy: PolicyHolder;
  currentUser: () => string;
  hasher: FileHasher;
  /** Reads uploaded files for content rules (absent: no content inspection). */
  inspector?: UploadContentReader;
  /** Tells which OS user owns the browser's connection to the agent (absent: the logged-in user is named). */
  connectionOwner?: ConnectionOwnerLookup;
  profiles?: ProfileStore;
  /**
   * The native messaging channel (agent/src/local/browser-bridge): reports from the browser's native host, whose
   * OS identity the agent checked. When set, the loopback HTTP routes are only registered if `loopback` is true.
   */
  bridge?: {
    handle(handler: BridgeHandler | undefined): void; listen?(): Promise<void>; close?(): Promise<void>;
    /** Sends a message made per peer down every accepted connection (the rules after a policy change). */
    push?(kind: string, message: (peer: SocketPeer) => unknown): number;
  };
  /** Hashes a reported path as the reporting user (bridge reports); required with `bridge`. */
  userHasher?: { hash(path: string, maxBytes: number, as: { uid: number; gid: number }): Promise<{ size: number; sha256: string }> };
  /**
   * Files an employee's "request access" from the browser's block message as an access request (the tray's flow:
   * journaled, answered by an admin, an approval pushed back as an upload exception). Throws AgentError on a bad
   * reason. Absent: the extension is told requests are not available here.
   */
  requestAccess?: (ask: UploadAccessAsk & { reason: string; user: string }) => { request: { id: string; status: string }; existing: boolean };
  /** Also accept reports on the loopback HTTP endpoint (legacy; any local process can reach it). */
  loopback?: boolean;
  now?: () => number;
  /** How often silent profiles are checked (default: a quarter of the stale window, at most 30 s). */
  checkEveryMs?: number;
}

interface Pairing {
  profileId: string;
  browser: string;
  uninstallKey: Buffer;
}

export const extensionRoutes = {
  pair: '/extension/v1/pair',
  heartbeat: '/extension/v1/heartbeat',
  uploads: '/extension/v1/uploads',
  uninstalled: '/extension/v1/uninstalled',
  decisions: '/extension/v1/decisions',
  accessRequests: '/extension/v1/access-requests',
} as const;

/**
 * Turns the browser extension's reports into upload events. Who may report: only requests carrying
 * `Origin: chrome-extension://<pinned id>` (set by the browser, which no web page can forge or remove on a
 * cross-origin POST) and, after pairing, that profile's token. Every report is validated, size-capped by the
 * local server, rate-limited per profile and deduplicated by report id; sizes and hashes come from the real file
 * on disk whenever the browser gave its path. See browser-extension/README.md for the reasoning.
 */
export class UploadSensor implements Sensor {
  readonly name = 'upload' as const;
  readonly #options: UploadSensorOptions;
  readonly #now: () => number;
  readonly #elapsed: () => number;
  readonly #origins: Set<string>;
  readonly #pairings = new Map<string, Pairing>();
  readonly #seenReports = new Map<string, true>();
  readonly #pairLimiter: RateLimiter;
  readonly #reportLimiter: RateLimiter;
  #status: SensorStatus = { state: 'stopped', detail: 'not started' };
  #counts = { uploads: 0, refused: 0, decisions: 0 };
  #tracker: ExtensionHealthTracker | undefined;

  constructor(options: UploadSensorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#origins = new Set(options.config.extensionIds.map((id) => `chrome-extension://${id}`));
    // Rate limits and the extension's silence are durations: monotonic unless a test drives the clock.
    this.#elapsed = options.now ?? monotonicMs;
    this.#pairLimiter = new RateLimiter({ burst: options.config.pairBurst, perSecond: options.config.pairsPerSecond, now: this.#elapsed });
    this.#reportLimiter = new RateLimiter({ burst: options.config.reportBurst, perSecond: options.config.reportsPerSecond, now: this.#elapsed });
  }

  async start(emit: Emit, signal: AbortSignal): Promise<SensorStatus> {
    const { routes, config, bridge } = this.#options;
    const loopback = routes && (!bridge || this.#options.loopback === true);
    if (!loopback && !bridge) {
      this.#status = {
        state: 'degraded',
        detail: `no channel from the browser: native messaging is not available on ${process.platform} and sensors.upload.loopback is off`,
      };
      return this.#status;
    }
    const tracker = new ExtensionHealthTracker((extensionHealth) => {
      emit({ user: this.#options.currentUser(), extensionHealth });
      this.#saveProfiles();
    }, config.heartbeatStaleMs, this.#elapsed);
    this.#tracker = tracker;
    try {
      tracker.restore(this.#options.profiles?.load() ?? [], this.#now());
    } catch {
      // A damaged profiles file only costs us the memory of profiles; they re-appear with their next heartbeat.
    }
    bridge?.handle((peer, path, body) => this.#fromBridge(emit, peer, path, body));
    let bridgeProblem = '';
    await bridge?.listen?.().catch((error: unknown) => { bridgeProblem = (error as Error).message; });
    const removers = !loopback || !routes ? [] : [
      routes.route({ method: 'POST', path: extensionRoutes.pair, maxBodyBytes: 4096, handler: (r) => this.#pair(r.headers, r.body, r.peer) }),
      routes.route({ method: 'POST', path: extensionRoutes.heartbeat, maxBodyBytes: 4096, handler: (r) => this.#heartbeat(r.headers, r.body, r.peer) }),
      routes.route({ method: 'POST', path: extensionRoutes.decisions, maxBodyBytes: 256 * 1024, handler: (r) => this.#decisions(emit, r.headers, r.body, r.peer) }),
      routes.route({ method: 'POST', path: extensionRoutes.uploads, maxBodyBytes: 256 * 1024, handler: (r) => this.#uploads(emit, r.headers, r.body, r.peer) }),
      routes.route({ method: 'GET', path: extensionRoutes.uninstalled, handler: (r) => this.#uninstalled(r.query) }),
      routes.route({ method: 'POST', path: extensionRoutes.accessRequests, maxBodyBytes: 64 * 1024, handler: (r) => this.#accessRequestLoopback(r.headers, r.body, r.peer) }),
    ];
    // A new policy (an exception granted or revoked in the collector, a rule changed) reaches the browser at once
    // on the native channel, not at its next heartbeat (30 s): the extension re-applies the rules it is pushed.
    const unsubscribe = this.#options.policy.subscribe(() => {
      bridge?.push?.('rules', (peer) => {
        const rules = this.#rulesForUser(peer.user || (peer.sid ? `sid-${peer.sid}` : `uid-${peer.uid}`));
        return rules ? { rules } : undefined;
      });
    });
    const every = this.#options.checkEveryMs ?? Math.min(30_000, Math.max(250, Math.floor(config.heartbeatStaleMs / 4)));
    const timer = setInterval(() => tracker.check(), every);
    timer.unref();
    signal.addEventListener('abort', () => {
      clearInterval(timer);
      unsubscribe();
      for (const remove of removers) remove();
      bridge?.handle(undefined);
      void bridge?.close?.();
      this.#status = { state: 'stopped', detail: 'stopped' };
    }, { once: true });
    this.#status = bridgeProblem && !loopback
      ? { state: 'degraded', detail: `the native messaging socket could not be opened: ${bridgeProblem}` }
      : { state: 'running', detail: `listening for the browser extension on ${[bridge && !bridgeProblem ? 'its native messaging host' : '', loopback ? 'the loopback endpoint' : ''].filter(Boolean).join(' and ')}` };
    return this.#status;
  }

  status(): SensorStatus {
    if (this.#status.state !== 'running') return this.#status;
    const profiles = this.#tracker?.snapshot() ?? [];
    const alive = profiles.filter((p) => p.alive).length;
    return {
      state: 'running',
      detail: `${this.#counts.uploads} uploads recorded, ${this.#counts.decisions} policy decisions, ${this.#counts.refused} reports refused, extension alive in ${alive}/${profiles.length} browser profiles; not seen: ${UNSEEN_UPLOAD_METHODS.join('; ')}`,
    };
  }

  /** Runs the stale-profile check now (tests, and the periodic timer). */
  checkHealth(): void {
    this.#tracker?.check();
  }

  #refuse(status: number, message: string): LocalResponse {
    this.#counts.refused += 1;
    return { status, body: { error: 'AGENT_LOCAL_REQUEST_INVALID', message } };
  }

  /** The browser sets Origin on every cross-origin POST and pages cannot change it: this is the main gate. */
  #fromExtension(headers: IncomingHttpHeaders): boolean {
    const origin = headers.origin;
    return typeof origin === 'string' && this.#origins.has(origin);
  }

  #pairingFor(headers: IncomingHttpHeaders): Pairing | undefined {
    const token = headers['x-mamori-token'];
    return typeof token === 'string' && token.length <= 128 ? this.#pairings.get(token) : undefined;
  }

  /** The user a browser connection belongs to: its socket's owner where the OS tells, else the logged-in user. */
  async #userOf(peer?: TcpConnection): Promise<{ user: string; source: 'connection_owner' | 'logged_in' }> {
    const owner = peer ? await this.#options.connectionOwner?.owner(peer).catch(() => undefined) : undefined;
    return owner ? { user: owner.user, source: 'connection_owner' } : { user: this.#options.currentUser(), source: 'logged_in' };
  }

  /** The upload rules for this PC and user, as the extension applies them (absent while no policy is held). */
  async #rulesFor(peer?: TcpConnection): Promise<UploadRuleTable | undefined> {
    return this.#rulesForUser((await this.#userOf(peer)).user);
  }

  #rulesForUser(user: string): UploadRuleTable | undefined {
    const policy = this.#options.policy.current();
    return policy ? uploadRulesFor(policy.upload, policy.categories, policy.pc, user, this.#now(), policy.upload_exceptions) : undefined;
  }

  /**
   * A request from the native messaging host. The bridge already checked, from the OS, that the peer is a
   * process the browser started; its uid names the user, and files are hashed with that user's permissions.
   */
  async #fromBridge(emit: Emit, peer: SocketPeer, path: string, body: unknown): Promise<{ status: number; body?: unknown }> {
    const who = peer.sid ? `sid-${peer.sid}` : `uid-${peer.uid}`;
    if (!this.#reportLimiter.take(who)) return this.#refuse(429, 'too many requests');
    const user = peer.user || who;
    if (path === extensionRoutes.pair || path === extensionRoutes.heartbeat) {
      const hello = HelloSchema.safeParse(body);
      if (!hello.success) return this.#refuse(400, firstIssue(hello.error));
      this.#tracker?.seen(hello.data.browser, hello.data.profileId, hello.data.extensionVersion, this.#now());
      return { status: 200, body: { token: 'native', ok: true, rules: this.#rulesForUser(user) } };
    }
    if (path === extensionRoutes.uploads) {
      const parsed = UploadReportSchema.safeParse(body);
      if (!parsed.success) return this.#refuse(400, firstIssue(parsed.error));
      const report = parsed.data;
      const dedupeKey = `${who}/${report.profileId}/${report.reportId}`;
      if (this.#seenReports.has(dedupeKey)) return { status: 200, body: { recorded: 0, duplicate: true } };
      this.#seenReports.set(dedupeKey, true);
      if (this.#seenReports.size > 10_000) this.#seenReports.delete(this.#seenReports.keys().next().value!);
      if (this.#options.policy.current()?.upload.enabled === false) return { status: 200, body: { recorded: 0 } };
      const hasher = this.#options.userHasher;
      const recorded = await this.#record(emit, { browser: report.browser, profileId: report.profileId }, report, {
        user, userSource: 'connection_owner',
        hash: (file, max) => (hasher ? hasher.hash(file, max, { uid: peer.uid, gid: peer.gid }) : Promise.reject(new Error('no user hasher'))),
      });
      return { status: 200, body: { recorded } };
    }
    if (path === extensionRoutes.decisions) {
      const parsed = DecisionReportSchema.safeParse(body);
      if (!parsed.success) return this.#refuse(400, firstIssue(parsed.error));
      const table = this.#rulesForUser(user);
      if (!table) return this.#refuse(503, 'no policy yet');
      emit(decisionEvent(parsed.data, table, user, this.#now()).draft);
      this.#counts.decisions += 1;
      return { status: 200, body: { recorded: 1 } };
    }
    if (path === extensionRoutes.accessRequests) {
      const parsed = UploadAccessReportSchema.safeParse(body);
      if (!parsed.success) return this.#refuse(400, firstIssue(parsed.error));
      return this.#accessRequest(parsed.data, user);
    }
    return this.#refuse(404, 'no such request');
  }

  /**
   * "Request access" for a blocked destination. The agent judges it with its own rules (only a destination this
   * PC's policy blocks or warns) and files it for the browser's user; the answer comes back as an upload
   * exception in the pushed policy, so nothing else has to reach the browser.
   */
  #accessRequest(report: UploadAccessReport, user: string): LocalResponse {
    const table = this.#rulesForUser(user);
    if (!table) return this.#refuse(503, 'no policy yet');
    const ask = judgeUploadAccess(report, table, this.#now());
    if ('refused' in ask) return this.#refuse(409, ask.refused);
    if (!this.#options.requestAccess) return this.#refuse(503, 'access requests are not available on this PC');
    try {
      const { request, existing } = this.#options.requestAccess({ ...ask, reason: report.reason, user });
      return { status: existing ? 200 : 201, body: { request: { id: request.id, status: request.status }, existing, domain: ask.domain } };
    } catch (error) {
      if (error instanceof AgentError) return this.#refuse(400, error.message);
      throw error;
    }
  }

  async #accessRequestLoopback(headers: IncomingHttpHeaders, body: unknown, peer?: TcpConnection): Promise<LocalResponse> {
    if (!this.#fromExtension(headers)) return this.#refuse(403, 'not from the Mamori extension');
    const pairing = this.#pairingFor(headers);
    if (!pairing) return this.#refuse(401, 'unknown token: pair first');
    if (!this.#reportLimiter.take(`${pairing.browser}/${pairing.profileId}`)) return this.#refuse(429, 'too many requests');
    const parsed = UploadAccessReportSchema.safeParse(body);
    if (!parsed.success) return this.#refuse(400, firstIssue(parsed.error));
    return this.#accessRequest(parsed.data, (await this.#userOf(peer)).user);
  }

  async #pair(headers: IncomingHttpHeaders, body: unknown, peer?: TcpConnection): Promise<LocalResponse> {
    if (!this.#fromExtension(headers)) return this.#refuse(403, 'not from the Mamori extension');
    if (!this.#pairLimiter.take('pair')) return this.#refuse(429, 'too many pairing requests');
    const hello = HelloSchema.safeParse(body);
    if (!hello.success) return this.#refuse(400, firstIssue(hello.error));
    const { profileId, browser, extensionVersion } = hello.data;
    // One live token per profile: pairing again (service worker restart) replaces the old one.
    for (const [token, pairing] of this.#pairings) {
      if (pairing.profileId === profileId && pairing.browser === browser) this.#pairings.delete(token);
    }
    if (this.#pairings.size >= this.#options.config.maxProfiles) return this.#refuse(429, 'too many browser profiles');
    const token = randomBytes(32).toString('base64url');
    const uninstallKey = randomBytes(24);
    this.#pairings.set(token, { profileId, browser, uninstallKey });
    this.#tracker?.seen(browser, profileId, extensionVersion, this.#now());
    return { status: 200, body: { token, uninstallKey: uninstallKey.toString('base64url'), rules: await this.#rulesFor(peer) } };
  }

  async #heartbeat(headers: IncomingHttpHeaders, body: unknown, peer?: TcpConnection): Promise<LocalResponse> {
    if (!this.#fromExtension(headers)) return this.#refuse(403, 'not from the Mamori extension');
    const pairing = this.#pairingFor(headers);
    if (!pairing) return this.#refuse(401, 'unknown token: pair first');
    const hello = HelloSchema.safeParse(body);
    if (!hello.success) return this.#refuse(400, firstIssue(hello.error));
    if (hello.data.profileId !== pairing.profileId) return this.#refuse(403, 'token belongs to another profile');
    this.#tracker?.seen(pairing.browser, pairing.profileId, hello.data.extensionVersion, this.#now());
    return { status: 200, body: { ok: true, rules: await this.#rulesFor(peer) } };
  }

  /** A block, a warning answered, an audit or an exception used in the browser: one policy_decision event each. */
  async #decisions(emit: Emit, headers: IncomingHttpHeaders, body: unknown, peer?: TcpConnection): Promise<LocalResponse> {
    if (!this.#fromExtension(headers)) return this.#refuse(403, 'not from the Mamori extension');
    const pairing = this.#pairingFor(headers);
    if (!pairing) return this.#refuse(401, 'unknown token: pair first');
    if (!this.#reportLimiter.take(`${pairing.browser}/${pairing.profileId}`)) return this.#refuse(429, 'too many reports');
    const parsed = DecisionReportSchema.safeParse(body);
    if (!parsed.success) return this.#refuse(400, firstIssue(parsed.error));
    const dedupeKey = `${pairing.browser}/${pairing.profileId}/decision/${parsed.data.reportId}`;
    if (this.#seenReports.has(dedupeKey)) return { status: 200, body: { recorded: 0, duplicate: true } };
    this.#seenReports.set(dedupeKey, true);
    const table = await this.#rulesFor(peer);
    if (!table) return this.#refuse(503, 'no policy yet');
    const { user } = await this.#userOf(peer);
    emit(decisionEvent(parsed.data, table, user, this.#now()).draft);
    this.#counts.decisions += 1;
    return { status: 200, body: { recorded: 1 } };
  }

  async #uploads(emit: Emit, headers: IncomingHttpHeaders, body: unknown, peer?: TcpConnection): Promise<LocalResponse> {
    if (!this.#fromExtension(headers)) return this.#refuse(403, 'not from the Mamori extension');
    const pairing = this.#pairingFor(headers);
    if (!pairing) return this.#refuse(401, 'unknown token: pair first');
    if (!this.#reportLimiter.take(`${pairing.browser}/${pairing.profileId}`)) return this.#refuse(429, 'too many upload reports');
    const parsed = UploadReportSchema.safeParse(body);
    if (!parsed.success) return this.#refuse(400, firstIssue(parsed.error));
    const report = parsed.data;
    if (report.profileId !== pairing.profileId) return this.#refuse(403, 'token belongs to another profile');
    const dedupeKey = `${pairing.browser}/${pairing.profileId}/${report.reportId}`;
    if (this.#seenReports.has(dedupeKey)) return { status: 200, body: { recorded: 0, duplicate: true } };
    this.#seenReports.set(dedupeKey, true);
    if (this.#seenReports.size > 10_000) this.#seenReports.delete(this.#seenReports.keys().next().value!);
    const policy = this.#options.policy.current();
    if (policy && !policy.upload.enabled) return { status: 200, body: { recorded: 0 } };
    const { user, source } = await this.#userOf(peer);
    const recorded = await this.#record(emit, pairing, report, {
      user, userSource: source, hash: (file, max) => this.#options.hasher.hash(file, max),
    });
    return { status: 200, body: { recorded } };
  }

  async #record(
    emit: Emit, pairing: { browser: string; profileId: string }, report: UploadReport,
    caller: { user: string; userSource: string; hash: (path: string, maxBytes: number) => Promise<{ size: number; sha256: string }> },
  ): Promise<number> {
    const policy = this.#options.policy.current();
    const uploadPolicy = policy?.upload;
    const destinationHost = hostOf(report.destinationUrl);
    const category = categorise(destinationHost, policy?.categories ?? {}, uploadPolicy?.uncategorised ?? 'uncategorised');
    // The browser's own connection names its user (several people may be signed in; the console user may be another).
    const { user, userSource } = caller;
    let recorded = 0;
    for (const file of report.files) {
      let size = file.size ?? 0;
      let sha256 = file.sha256 ?? '';
      if (file.path !== undefined) {
        // The path came from the browser's own webRequest record of the body: hash the real file, not a claim.
        try {
          ({ size, sha256 } = await caller.hash(file.path, this.#options.config.maxHashBytes));
        } catch {
          size = 0;
          sha256 = '';
        }
      }
      const content = file.path !== undefined && sha256 && this.#options.inspector?.rules()
        ? await this.#options.inspector.inspect({ name: file.name, file: file.path })
        : undefined;
      emit({
        user,
        upload: {
          pageUrl: report.pageUrl, destinationHost, destinationUrl: report.destinationUrl, fileName: file.name,
          sizeBytes: size, sha256, method: `${file.selectedBy}+${report.transport}`, category,
          browser: pairing.browser, browserProfile: pairing.profileId, localPath: file.path ?? '',
          userSource, ...(content ? { content: toContentInspection(content) } : {}),
        },
      });
      recorded += 1;
      this.#counts.uploads += 1;
      if (uploadPolicy && shouldAlert(category, uploadPolicy)) {
        emit({
          user,
          policyDecision: {
            subject: 'upload', decision: 'alert', rule: `upload.alert_categories.${category}`,
            detail: `${file.name} uploaded to ${destinationHost} (${category})`, category,
          },
        });
      }
    }
    return recorded;
  }

  #uninstalled(query: URLSearchParams): LocalResponse {
    // Chrome opens this URL in a tab when the extension is removed: a plain navigation, so no Origin. The
    // per-pairing key in the URL is what a web page cannot know.
    const profileId = query.get('p') ?? '';
    const key = Buffer.from(query.get('k') ?? '', 'base64url');
    const pairing = [...this.#pairings.values()].find((p) => p.profileId === profileId);
    if (!pairing || key.length !== pairing.uninstallKey.length || !timingSafeEqual(key, pairing.uninstallKey)) {
      return this.#refuse(403, 'unknown profile or key');
    }
    this.#tracker?.removed(pairing.browser, pairing.profileId, this.#now());
    return {
      status: 200, contentType: 'text/html; charset=utf-8',
      body: '<!doctype html><title>Mamori</title><p>The Mamori upload monitor was removed from this browser profile. Your IT team is informed.</p>',
    };
  }

  #saveProfiles(): void {
    try {
      this.#options.profiles?.save(this.#tracker?.snapshot() ?? []);
    } catch {
      // Persistence is best effort; the events themselves are already journaled.
    }
  }
}

function shouldAlert(category: string, policy: { alert_categories: string[]; own_category: string; uncategorised: string; alert_uncategorised: boolean }): boolean {
  if (category === policy.own_category) return false;
  if (category === policy.uncategorised) return policy.alert_uncategorised;
  return policy.alert_categories.includes(category);
}
