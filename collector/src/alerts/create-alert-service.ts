import type { CollectorConfig } from '../config/schema.ts';
import type { CollectorHub } from '../hub.ts';
import { SmtpMailTransport, type MailTransport } from '../notify/mail-transport.ts';
import type { PolicyService } from '../policy-service.ts';
import type { CollectorStore } from '../store/open-store.ts';
import { AlertService } from './alert-service.ts';

/** The alert service as the collector composes it: SMTP from the collector config, rules from the policy. */
export function createAlertService(parts: { config: CollectorConfig; store: CollectorStore; hub: CollectorHub; policy: PolicyService; now: () => number; transport?: MailTransport }): AlertService {
  return new AlertService({
    repos: parts.store.repos, store: parts.store, hub: parts.hub, policy: parts.policy, now: parts.now,
    transport: parts.transport ?? new SmtpMailTransport(parts.config.smtp), from: parts.config.smtp.from,
  });
}
