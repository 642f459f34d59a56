import { grpcStatus as status, type GrpcStatus } from '@mamori/proto';

/**
 * The collector's error catalog. Every error has a code, a message, an HTTP status where it applies and a gRPC
 * status for errors crossing the wire (our code travels in the `mamori-error-code` metadata).
 */
export const collectorErrors = {
  COLLECTOR_CONFIG_INVALID: { message: 'the collector configuration is invalid', http: 500, grpc: status.INTERNAL },
  COLLECTOR_NOT_INITIALISED: { message: 'the data dir is not initialised: run `mamori-collector init`', http: 500, grpc: status.UNAVAILABLE },
  COLLECTOR_ALREADY_INITIALISED: { message: 'the data dir is already initialised', http: 409, grpc: status.ALREADY_EXISTS },
  COLLECTOR_TOKEN_UNKNOWN: { message: 'enrollment token unknown (typed wrong, or from another collector)', http: 401, grpc: status.UNAUTHENTICATED },
  COLLECTOR_TOKEN_EXPIRED: { message: 'enrollment token expired', http: 401, grpc: status.UNAUTHENTICATED },
  COLLECTOR_TOKEN_USED_UP: { message: 'enrollment token has no uses left', http: 401, grpc: status.UNAUTHENTICATED },
  COLLECTOR_TOKEN_REVOKED: { message: 'enrollment token was revoked', http: 401, grpc: status.UNAUTHENTICATED },
  COLLECTOR_ENROLL_INVALID: { message: 'enrollment request is invalid', http: 400, grpc: status.INVALID_ARGUMENT },
  COLLECTOR_UNKNOWN_AGENT: { message: 'unknown or retired agent', http: 404, grpc: status.UNAUTHENTICATED },
  COLLECTOR_AUTH_FAILED: { message: 'agent failed to prove possession of its key', http: 401, grpc: status.UNAUTHENTICATED },
  COLLECTOR_PROTOCOL_VIOLATION: { message: 'unexpected message on the agent stream', http: 400, grpc: status.FAILED_PRECONDITION },
  COLLECTOR_BATCH_MALFORMED: { message: 'event batch is malformed', http: 400, grpc: status.INVALID_ARGUMENT },
  COLLECTOR_BATCH_TOO_LARGE: { message: 'event batch is too large', http: 413, grpc: status.RESOURCE_EXHAUSTED },
  COLLECTOR_BAD_SIGNATURE: { message: "batch signature does not verify with the agent's key", http: 400, grpc: status.PERMISSION_DENIED },
  COLLECTOR_CHAIN_MISMATCH: { message: 'batch events do not chain to the signed hash', http: 400, grpc: status.DATA_LOSS },
  COLLECTOR_FORK: { message: 'batch conflicts with events already stored for these sequence numbers', http: 409, grpc: status.ALREADY_EXISTS },
  COLLECTOR_EXPORT_EMPTY: { message: 'no events for that agent and time range', http: 404, grpc: status.NOT_FOUND },
  COLLECTOR_EXPORT_INCONSISTENT: { message: "the stored events do not match their signed batches; export refused", http: 500, grpc: status.DATA_LOSS },
  COLLECTOR_RETENTION_EXPORT_FAILED: { message: 'the evidence export written before a retention delete did not verify; nothing was deleted', http: 500, grpc: status.INTERNAL },
  COLLECTOR_NOT_FOUND: { message: 'not found', http: 404, grpc: status.NOT_FOUND },
  COLLECTOR_POLICY_INVALID: { message: 'policy is invalid', http: 400, grpc: status.INVALID_ARGUMENT },
  COLLECTOR_AUTH_REQUIRED: { message: 'sign in required', http: 401, grpc: status.UNAUTHENTICATED },
  COLLECTOR_FORBIDDEN: { message: 'your role does not allow this', http: 403, grpc: status.PERMISSION_DENIED },
  COLLECTOR_LOGIN_FAILED: { message: 'wrong user name or password', http: 401, grpc: status.UNAUTHENTICATED },
  COLLECTOR_LOGIN_THROTTLED: { message: 'too many failed sign-ins from this address; wait before trying again (Retry-After)', http: 429, grpc: status.RESOURCE_EXHAUSTED },
  COLLECTOR_LOGIN_INVALID: { message: 'sign-in needs a user name and a password', http: 400, grpc: status.INVALID_ARGUMENT },
  COLLECTOR_CSRF: { message: 'missing or wrong CSRF token', http: 403, grpc: status.PERMISSION_DENIED },
  COLLECTOR_USAGE: { message: 'wrong command-line usage', http: 400, grpc: status.INVALID_ARGUMENT },
  COLLECTOR_QUERY_INVALID: { message: 'the request parameters are invalid', http: 400, grpc: status.INVALID_ARGUMENT },
  COLLECTOR_ALERT_STATE: { message: 'the alert is not in a state that allows this', http: 409, grpc: status.FAILED_PRECONDITION },
  COLLECTOR_CONFLICT: { message: 'the request conflicts with the current state', http: 409, grpc: status.FAILED_PRECONDITION },
  // Quarantine (issue 13): a store failure while keeping a refused batch is transient — the agent keeps the rows and retries.
  COLLECTOR_QUARANTINE_UNAVAILABLE: { message: 'the refused batch could not be quarantined now; send it again', http: 503, grpc: status.UNAVAILABLE },
  // PostgreSQL store (issue 14): the configured database could not be reached or migrated at start.
  COLLECTOR_DATABASE_UNREACHABLE: { message: 'the configured PostgreSQL database cannot be reached', http: 503, grpc: status.UNAVAILABLE },
  COLLECTOR_CA_MISMATCH: { message: "the data dir's CA is not the CA of the collectors sharing this database (agents pin it)", http: 500, grpc: status.FAILED_PRECONDITION },
  COLLECTOR_IMPORT_MAPPING_UNKNOWN: { message: 'no log import mapping of that name in the current policy (log_imports.mappings)', http: 404, grpc: status.NOT_FOUND },
  COLLECTOR_IMPORT_INVALID: { message: 'the CSV log does not fit its mapping; nothing was imported', http: 400, grpc: status.INVALID_ARGUMENT },
  // Inspection reports
  COLLECTOR_REPORT_TEMPLATE: { message: 'no such report template in the policy', http: 404, grpc: status.NOT_FOUND },
  COLLECTOR_REPORT_SCOPE: { message: "the report template's scope names something the policy does not define", http: 400, grpc: status.INVALID_ARGUMENT },
  COLLECTOR_REPORT_FONT: { message: 'no Japanese font for PDF reports', http: 500, grpc: status.FAILED_PRECONDITION },
  COLLECTOR_REPORT_SELF_REVIEW: { message: 'this report lists your own administrative actions; someone else must review it', http: 403, grpc: status.PERMISSION_DENIED },
  COLLECTOR_REPORT_REVIEWED: { message: 'the report has already been reviewed', http: 409, grpc: status.ALREADY_EXISTS },
  // Forward-secure sealing
  COLLECTOR_SEAL_INVALID: { message: "batch seals do not verify with the agent's forward-secure seal chain", http: 400, grpc: status.DATA_LOSS },
  COLLECTOR_SEAL_SEED_INVALID: { message: 'seal seed is invalid', http: 400, grpc: status.INVALID_ARGUMENT },
  // Installed collector's CLI (issue 21): the packaged data dir is the service user's, and the package initialises it.
  COLLECTOR_DATA_DIR_UNREADABLE: { message: 'cannot read the data dir: run this as root or as its owner', http: 500, grpc: status.UNAVAILABLE },
  COLLECTOR_PACKAGED_NOT_INITIALISED: { message: "the installed collector's data dir is not initialised; the package does it on install (dpkg-reconfigure mamori-collector), not `init`", http: 500, grpc: status.UNAVAILABLE },
  COLLECTOR_MAIL_TEST_FAILED: { message: 'the SMTP server did not accept the test mail', http: 502, grpc: status.UNAVAILABLE },
  COLLECTOR_SETTINGS_SECRET_UNREADABLE: { message: "a secret stored in the settings cannot be opened with this collector's evidence-signing.key", http: 500, grpc: status.FAILED_PRECONDITION },
  // migrate-store (issue 14): SQLite store → PostgreSQL.
  COLLECTOR_MIGRATE_SOURCE: { message: 'cannot read the SQLite store to migrate', http: 500, grpc: status.FAILED_PRECONDITION },
  COLLECTOR_MIGRATE_TARGET_NOT_EMPTY: { message: 'the target PostgreSQL database already holds data; migrate-store fills an empty database only', http: 409, grpc: status.FAILED_PRECONDITION },
  COLLECTOR_MIGRATE_PLAN: { message: 'the SQLite store holds data the migration has no place for; nothing was copied', http: 500, grpc: status.FAILED_PRECONDITION },
  COLLECTOR_MIGRATE_VERIFY_FAILED: { message: 'the copy in PostgreSQL does not match the SQLite store', http: 500, grpc: status.DATA_LOSS },
  // Several collectors on one PostgreSQL (issue 14): one evidence key, so one pinned key verifies every node's exports.
  COLLECTOR_EVIDENCE_KEY_MISMATCH: { message: "the data dir's evidence-signing key is not the key of the collectors sharing this database (auditors pin it)", http: 500, grpc: status.FAILED_PRECONDITION },
} as const;

export type CollectorErrorCode = keyof typeof collectorErrors;

export class CollectorError extends Error {
  readonly code: CollectorErrorCode;
  constructor(code: CollectorErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${collectorErrors[code].message}: ${detail}` : collectorErrors[code].message, options);
    this.name = 'CollectorError';
    this.code = code;
  }

  get httpStatus(): number {
    return collectorErrors[this.code].http;
  }

  get grpcStatus(): GrpcStatus {
    return collectorErrors[this.code].grpc;
  }
}
