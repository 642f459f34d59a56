import { join } from 'node:path';
import type { DeviceException } from '@mamori/policies';
import type { DeviceControl } from '../../control/common/device-control.ts';
import type { EventDraft } from '../../core/event-draft.ts';
import type { PolicyHolder } from '../../core/policy-holder.ts';
import { AgentError } from '../../errors.ts';
import type { LocalRoutes } from '../local-server.ts';
import { AccessRequests, accessOutcomeCommand, parseOutcomeArgs, type AccessRequest } from './common/access-requests.ts';
import { BlockNotifier, type BlockNotification } from './common/block-notifier.ts';
import { parseRiskSelfView, riskSelfViewCommand, type RiskSelfView } from './common/risk-self-view.ts';
import { registerTrayRoutes } from './tray-routes.ts';

/** What the tray page shows (GET /tray/v1/state). */
export interface TrayState {
  /** Moves on every change, so the page can long-poll with ?after=. */
  revision: number;
  monitored: true;
  pc: string;
  user: string;
  purpose: { en: string; ja: string };
  deviceMode: string;
  /** Exceptions in force now, so the tray never says "blocked" while a stick is allowed (offline codes included). */
  exceptions: { id: string; mode: string; serial?: string; untilMs: number; source: 'collector' | 'offline_code' }[];
  notifications: BlockNotification[];
  requests: AccessRequest[];
  /** The PC user's own risk indicators from the collector; null unless the view the collector sent is this user's. */
  selfView: RiskSelfView | null;
}

export interface TrayOptions {
  /** The agent's loopback endpoint; without it the tray keeps state but serves nothing (tests, no port). */
  routes?: LocalRoutes;
  policy: PolicyHolder;
  /** The recorder's record: access requests are journaled events. */
  emit: (draft: EventDraft) => number;
  user: () => string;
  pc: () => string;
  /** Keeps access requests across restarts (<stateDir>/access-requests.json). */
  stateDir?: string;
  /** Redeems an offline unlock code (device control); throws AgentError. */
  unlock: (code: string) => Promise<DeviceException>;
  /** Exceptions from offline unlock codes in force now (device control's ledger). */
  localExceptions?: () => DeviceException[];
  now?: () => number;
  longPollMs?: number;
}

export interface Tray {
  notifier: BlockNotifier;
  requests: AccessRequests;
  state(): TrayState;
  /** Feed for every recorded event draft: recognises blocks (composition root calls it after journaling). */
  observe(draft: EventDraft): void;
  /** The uplink's command handler: applies "access_request_outcome"; returns false for other commands. */
  onCommand(command: { id: string; name: string; argsJson: string }): boolean;
  stop(): void;
}

const fallbackPurpose = {
  en: 'This PC is monitored to protect customer and company data from leaving the organisation.',
  ja: 'このPCは、顧客情報と社内データの流出を防ぐために監視されています。',
};

/** The agent side of the end-user tray: block notifications, access requests, unlock codes, the page. */
export function startTray(options: TrayOptions): Tray {
  const notifier = new BlockNotifier();
  const requests = new AccessRequests({
    emit: options.emit, user: options.user, ...(options.stateDir ? { path: join(options.stateDir, 'access-requests.json') } : {}),
  });
  let revision = 0;
  // Held in memory only: the collector sends it again on every connect.
  let selfView: RiskSelfView | undefined;
  let waiters: (() => void)[] = [];
  const bump = () => {
    revision += 1;
    const wake = waiters;
    waiters = [];
    for (const w of wake) w();
  };
  const unsubscribers = [notifier.subscribe(bump), requests.onChange(bump), options.policy.subscribe(bump)];
  // Another person logging in changes what the page may show (their own risk view only): wake long-polls at once.
  let lastUser = options.user();
  const userWatch = setInterval(() => {
    if (options.user() === lastUser) return;
    lastUser = options.user();
    bump();
  }, 1_000);
  userWatch.unref();

  const state = (): TrayState => {
    const policy = options.policy.current();
    return {
      revision, monitored: true, pc: options.pc(), user: options.user(),
      purpose: policy?.purpose ?? fallbackPurpose,
      deviceMode: policy?.device.mode ?? 'block',
      exceptions: activeExceptions(policy?.device.exceptions ?? [], options.localExceptions?.() ?? [], (options.now ?? Date.now)()),
      notifications: notifier.list(), requests: requests.list(),
      // A shared PC: the view the collector sent may belong to the previous user; never show it to the next one.
      selfView: selfView && selfView.user === options.user() ? selfView : null,
    };
  };

  const removeRoutes = options.routes ? registerTrayRoutes(options.routes, {
    state,
    changed: (after, timeoutMs) => new Promise<void>((resolve) => {
      if (after !== revision) return resolve();
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== wake);
        resolve();
      }, timeoutMs);
      const wake = () => { clearTimeout(timer); resolve(); };
      waiters.push(wake);
    }),
    requestAccess: (notificationId, reason) => {
      const notification = typeof notificationId === 'string' ? notifier.find(notificationId) : undefined;
      if (!notification) throw new AgentError('AGENT_LOCAL_REQUEST_INVALID', 'no such notification');
      return requests.request(notification, reason);
    },
    unlock: async (code) => {
      if (typeof code !== 'string' || code.length === 0 || code.length > 40) throw new AgentError('AGENT_UNLOCK_CODE_INVALID', 'type the code as given');
      const exception = await options.unlock(code);
      bump();
      return { untilMs: exception.untilMs, ...(exception.serial ? { serial: exception.serial } : {}) };
    },
  }, options.longPollMs === undefined ? {} : { longPollMs: options.longPollMs }) : () => undefined;

  return {
    notifier, requests, state,
    observe: notifier.observe,
    onCommand(command) {
      if (command.name === riskSelfViewCommand) {
        const view = parseRiskSelfView(command.argsJson);
        if (view) {
          selfView = view;
          bump();
        }
        return true;
      }
      if (command.name !== accessOutcomeCommand) return false;
      const args = parseOutcomeArgs(command.argsJson);
      if (args) requests.applyOutcome(args);
      return true;
    },
    stop() {
      clearInterval(userWatch);
      removeRoutes();
      for (const unsubscribe of unsubscribers) unsubscribe();
      const wake = waiters;
      waiters = [];
      for (const w of wake) w();
    },
  };
}

function activeExceptions(fromPolicy: readonly DeviceException[], local: readonly DeviceException[], nowMs: number): TrayState['exceptions'] {
  const shown = (e: DeviceException, source: 'collector' | 'offline_code') => ({ id: e.id, mode: e.mode, untilMs: e.untilMs, source, ...(e.serial ? { serial: e.serial } : {}) });
  return [...fromPolicy.map((e) => shown(e, 'collector')), ...local.map((e) => shown(e, 'offline_code'))].filter((e) => e.untilMs > nowMs);
}

/**
 * The tray's unlock codes and offline exceptions through the agent's device control, which main.ts builds and
 * hands over (undefined on an OS without one: then every code is refused, naming why).
 */
export function throughDeviceControl(control: DeviceControl | undefined, identity: { unlockKey: string; pc: string }): Pick<TrayOptions, 'unlock' | 'localExceptions'> {
  return {
    unlock: async (code) => {
      if (!control) throw new AgentError('AGENT_UNLOCK_CODE_INVALID', 'device control is not running on this PC');
      return control.redeemUnlockCode(code, Buffer.from(identity.unlockKey, 'base64'), identity.pc);
    },
    localExceptions: () => control?.localExceptions() ?? [],
  };
}
