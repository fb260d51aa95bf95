import type { Migration } from '../migration.js';

/**
 * Client tokens of submitted requests: a client (an Open311 app, say) names each new request
 * with a token of its own, so a POST it repeats after a lost answer finds the first request
 * instead of making a second. A token belongs to the caller (API key or person) that sent it.
 */
export const requestClientTokens: Migration = {
  name: '0015_request_client_tokens',
  up: `
    CREATE TABLE request_client_token (
      caller_id uuid NOT NULL,
      token text NOT NULL CHECK (length(token) BETWEEN 1 AND 200),
      request_id uuid NOT NULL REFERENCES request (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (caller_id, token)
    );
    CREATE INDEX request_client_token_request_idx ON request_client_token (request_id);
  `,
};
