/** The agent's error catalog: every error the agent reports has a code, a message and, optionally, a cause. */
export const agentErrors = {
  AGENT_CONFIG_INVALID: 'the agent configuration is invalid',
  AGENT_NOT_ENROLLED: 'this agent is not enrolled: run `mamori-agent enroll <token>`',
  AGENT_ALREADY_ENROLLED: 'this agent is already enrolled (use --force to enroll again; history stays on the collector)',
  AGENT_TOKEN_MALFORMED: 'the enrollment token is malformed',
  AGENT_TOKEN_REJECTED: 'the collector rejected the enrollment token',
  AGENT_PIN_MISMATCH: "the collector's certificate does not match the CA fingerprint in the token",
  AGENT_COLLECTOR_UNREACHABLE: 'the collector cannot be reached',
  AGENT_UNLOCK_CODE_INVALID: 'the unlock code is invalid',
  AGENT_UNLOCK_CODE_EXPIRED: 'the unlock code has expired',
  AGENT_UNLOCK_CODE_USED: 'the unlock code was already used',
  AGENT_LOCAL_REQUEST_INVALID: 'a local request (tray or browser extension) was refused',
  AGENT_USAGE: 'wrong command-line usage',
  // drain and uninstall (the journal is never deleted with unsent events without an explicit, recorded choice)
  AGENT_DRAIN_INCOMPLETE: 'the journal still holds events the collector has not acknowledged',
  AGENT_ALREADY_RUNNING: 'the agent is already running on this state folder',
  AGENT_UNINSTALL_CODE_REQUIRED: "discarding unsent events needs the administrator's uninstall code",
  AGENT_DOCUMENT_UNREADABLE: 'the document cannot be registered',
  AGENT_SEAL_STATE_LOST: 'the seal state was missing or unreadable; a new seal chain starts',
  AGENT_SEAL_UNAVAILABLE: 'forward-secure sealing could not start; events are journaled unsealed',
  AGENT_POLICY_INVALID: 'the policy pushed by the collector is invalid and was not applied',
  AGENT_IDENTITY_INVALID: 'the enrollment state (identity.json) is unreadable: enroll again with `mamori-agent enroll <token> --force`',
} as const;

export type AgentErrorCode = keyof typeof agentErrors;

export class AgentError extends Error {
  readonly code: AgentErrorCode;
  constructor(code: AgentErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${agentErrors[code]}: ${detail}` : agentErrors[code], options);
    this.name = 'AgentError';
    this.code = code;
  }
}
