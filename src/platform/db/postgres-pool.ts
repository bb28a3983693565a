import type { PostgresPool, PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { DatabaseTimeouts } from './timeouts.ts';

/**
 * The client waits this much longer than the server's `statement_timeout`: the server's own cancel
 * leaves the connection usable, so it should normally come first; the client's timeout is for a
 * server that cannot answer at all (a frozen host, a dropped route). The margin is wide so that a
 * busy client process (a late timer) does not beat the server's own cancel.
 */
const CLIENT_GRACE_MS = 3_000;

export type PostgresPoolOptions = {
  readonly poolSize: number;
  readonly timeouts: DatabaseTimeouts;
  /** A connection ended or failed outside a query's own error (server restart, failover, reset). */
  readonly onConnectionError?: (error: Error) => void;
};

/**
 * A `pg` pool for Kysely that survives the database going away: every connection has an `error`
 * listener for its whole life (node-postgres emits `error` on a connection in use that the server or
 * the network ends, and an unhandled one ends the process), statements and connects are bounded, and
 * a connection whose answer timed out is dropped rather than returned to the pool.
 */
export function createPostgresPool(url: string, options: PostgresPoolOptions): PostgresPool {
  const { timeouts } = options;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.statementMs + CLIENT_GRACE_MS,
    // A node frozen inside a transaction must not hold its locks (advisory locks included) forever.
    idle_in_transaction_session_timeout: 2 * timeouts.statementMs,
    keepAlive: true,
  });
  const report = (error: Error) => options.onConnectionError?.(error);
  // Idle connections: the pool's own event. In-use ones: the query has already been rejected with
  // the same error, and the pool discards the connection when it is released (no longer queryable).
  pool.on('error', report);
  pool.on('connect', (client) => client.on('error', report));

  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let timedOut = false;
    const wrapper = {
      async query(sql: string, parameters: ReadonlyArray<unknown>) {
        try {
          return await client.query(sql, parameters as unknown[]);
        } catch (error) {
          // After a client-side timeout the server's answer may still arrive on this connection and
          // be read as the next query's: the connection cannot be reused.
          if (error instanceof Error && error.message === 'Query read timeout') timedOut = true;
          // A connection the server or the network ended fails every later query too: drop it
          // instead of handing it to the next caller.
          if (connectionLost(error)) timedOut = true;
          throw error;
        }
      },
      release(destroy?: boolean) {
        const discard = timedOut || destroy === true;
        timedOut = false;
        client.release(discard ? new Error('connection discarded') : undefined);
      },
    };
    return wrapper as unknown as PostgresPoolClient;
  };

  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = wrap(client);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}

/**
 * Whether a query failed because its connection is gone: no SQLSTATE from the server (a socket
 * error or "Connection terminated"), or a connection-exception (08xxx) or shutdown (57P0x) code. A
 * statement timeout (57014) or an ordinary SQL error leaves the connection usable.
 */
function connectionLost(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return code.startsWith('08') || code.startsWith('57P0');
}
