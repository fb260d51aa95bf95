import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { postGraphQL, TEST_ADMIN_KEY } from './helpers.js';

export const CHANGE_DOC = `subscription($p: ID!, $a: SafeInt) { taskBoardChanges(placeId: $p, after: $a) { sequence refetch event itemId inBoard card { title status } } }`;

/** A graphql-ws client that retries for ever (as a dashboard does). */
export function boardClient(httpUrl: string, extra: Partial<Parameters<typeof createClient>[0]> = {}): Client {
  return createClient({
    url: `${httpUrl.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 1000,
    retryWait: async () => new Promise((r) => setTimeout(r, 200)),
    shouldRetry: () => true,
    connectionParams: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    ...extra,
  });
}

export interface Watcher {
  changes: any[];
  errors: unknown[];
  /** Resolves once `n` changes arrived in total (fails after `ms`). */
  until(n: number, ms?: number): Promise<any[]>;
  stop(): void;
}

/**
 * Subscribes to a board and keeps `after` current in the payload, which graphql-ws sends
 * again after every reconnect: a reconnect resumes right after the last change received.
 */
export function watchBoard(client: Client, placeId: string, after: number): Watcher {
  const changes: any[] = [];
  const errors: unknown[] = [];
  const payload = { query: CHANGE_DOC, variables: { p: placeId, a: after } };
  const stop = client.subscribe(payload, {
    next: (value: any) => {
      if (value.errors) errors.push(value.errors);
      else {
        changes.push(value.data.taskBoardChanges);
        payload.variables.a = value.data.taskBoardChanges.sequence;
      }
    },
    error: (err) => errors.push(err),
    complete: () => {},
  });
  return {
    changes,
    errors,
    async until(n, ms = 20_000) {
      const deadline = Date.now() + ms;
      while (changes.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${changes.length} of ${n} changes arrived; errors: ${JSON.stringify(errors)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return changes;
    },
    stop,
  };
}

/** The first community of the demo district, and the board's current sequence there. */
export async function demoBoard(url: string): Promise<{ communityId: string; sequence: number }> {
  const { data } = await postGraphQL(url, '{ places(type: COMMUNITY) { nodes { id name } } }');
  const communityId = data.places.nodes[0].id;
  const board = await postGraphQL(url, 'query($p: ID!) { taskBoard(placeId: $p) { sequence } }', { p: communityId });
  return { communityId, sequence: board.data.taskBoard.sequence };
}

/** Submits an anonymous phone request at `placeId` over HTTP; returns its id. */
export async function submitOver(
  url: string,
  placeId: string,
  title: string,
  description = '',
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await postGraphQL(
    url,
    'mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { id } errors { message } } }',
    { i: { kind: 'NEED', channel: 'PHONE', title, description, placeId, callbackPhone: '13800000000', ...extra } },
  );
  if (!res.data?.submitRequest?.request) throw new Error(`submitRequest failed: ${JSON.stringify(res)}`);
  return res.data.submitRequest.request.id;
}
