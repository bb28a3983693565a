/**
 * PostgreSQL SQLSTATE codes of a database that is away or stalled rather than of a bad statement:
 * class 08 (connection exceptions), the server shutting down or ending the session
 * (`pg_terminate_backend`, restart, failover), and a statement cancelled by `statement_timeout`.
 */
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '57014', '53300']);
const NODE_NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const PG_CLIENT_MESSAGES = [
  'Connection terminated',
  'Query read timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];

/**
 * True when `error` says the database could not be reached or did not answer in time (PostgreSQL
 * gone, reset or stalled; SQLite locked, out of space or failing I/O), so the same work can succeed
 * later unchanged. Such an error is never a reason to give up on the work (mark it failed): retry it.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') && code.length === 5) return true;
    if (PG_UNAVAILABLE.has(code) || NODE_NETWORK.has(code)) return true;
    if (/^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN)/.test(code)) return true;
  }
  if (PG_CLIENT_MESSAGES.some((m) => error.message.startsWith(m))) return true;
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isDatabaseUnavailable(cause);
}
