import { createClient } from 'graphql-ws';
import {
  BoardChangesDocument,
  type BoardChangesSubscription,
  BoardSequenceDocument,
  CommunityDocument,
  type CommunityQuery,
  OpenRequestsDocument,
  type OpenRequestsQuery,
  type SubmitRequestInput,
  SubmitRequestDocument,
  type SubmitRequestMutation,
  type TypedDocumentString,
} from './gql/graphql.js';

/** Where the gateway is and the district app's API key. */
export interface DistrictClientOptions {
  /** The gateway's address, e.g. `http://localhost:4000`. */
  url: string;
  /** The app's API key (`gz_…`), scoped to the district's places. */
  apiKey: string;
}

/** One open request, as the OpenRequests query selects it. */
export type OpenRequest = OpenRequestsQuery['requests']['edges'][number]['node'];
/** One change on a live board, as the BoardChanges subscription selects it. */
export type BoardChange = BoardChangesSubscription['taskBoardChanges'];
/** A submitted request, or why it was not (`errors`, each with a `code`). */
export type SubmitResult = SubmitRequestMutation['submitRequest'];

/** The node the Community query reads when it is a place; any other node is an empty object. */
type CommunityNode = NonNullable<CommunityQuery['node']>;
export type Community = Exclude<CommunityNode, Record<PropertyKey, never>>;
const isPlace = (node: CommunityNode | null): node is Community => node?.__typename === 'Place';

/** A top-level GraphQL error (a bad key, a limit, a fault), as opposed to a payload's `errors`. */
export class GraphQLRequestError extends Error {
  constructor(readonly errors: readonly { message: string; extensions?: Record<string, unknown> }[]) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'GraphQLRequestError';
  }
}

/** The district app's client: typed queries and mutations over HTTP, the live board over graphql-ws. */
export class DistrictClient {
  constructor(private readonly options: DistrictClientOptions) {}

  /** Runs one typed document over HTTP: the variables and the answer have the document's types. */
  async execute<Result, Variables>(document: TypedDocumentString<Result, Variables>, variables: Variables): Promise<Result> {
    const response = await fetch(`${this.options.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.apiKey}` },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
    const body = (await response.json()) as { data?: Result; errors?: GraphQLRequestError['errors'] };
    if (body.errors?.length || !body.data) throw new GraphQLRequestError(body.errors ?? [{ message: `HTTP ${response.status}` }]);
    return body.data;
  }

  /** A community (any place) by its global id; null when it does not exist or the key may not see it. */
  async community(id: string): Promise<Community | null> {
    const { node } = await this.execute(CommunityDocument, { id });
    return isPlace(node) ? node : null;
  }

  /**
   * The open requests under a place, a page at a time, following `endCursor` until the last page:
   * `for await (const request of client.openRequests(communityId)) …`.
   */
  async *openRequests(under: string, pageSize = 20): AsyncGenerator<OpenRequest> {
    let after: string | null = null;
    do {
      const { requests }: OpenRequestsQuery = await this.execute(OpenRequestsDocument, { under, first: pageSize, after });
      for (const edge of requests.edges) yield edge.node;
      after = requests.pageInfo.hasNextPage ? requests.pageInfo.endCursor : null;
    } while (after);
  }

  /**
   * Uploads a picture (the resident's photo of the broken lamp) for the gateway to keep: its id, to
   * send as `photoUploadIds` with a request (or `uploadId` to `addRequestPhoto`). The gateway drops
   * the camera's metadata (where it was taken) and shows it to the request's readers by a signed link.
   */
  async uploadPhoto(picture: Uint8Array, contentType: 'image/jpeg' | 'image/png' | 'image/webp'): Promise<string> {
    const response = await fetch(`${this.options.url}/photos`, {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: `Bearer ${this.options.apiKey}` },
      body: new Uint8Array(picture),
    });
    const body = (await response.json()) as { id?: string; errors?: GraphQLRequestError['errors'] };
    if (response.status !== 201 || !body.id) throw new GraphQLRequestError(body.errors ?? [{ message: `HTTP ${response.status}` }]);
    return body.id;
  }

  /** Submits a request; a refusal comes back in `errors` (nothing was written), not as an exception. */
  async submitRequest(input: SubmitRequestInput): Promise<SubmitResult> {
    return (await this.execute(SubmitRequestDocument, { input })).submitRequest;
  }

  /**
   * Watches the live board of a place: every change after now, once and in order, until the
   * returned function is called. `after` is the board's sequence, so a change committed between
   * this call and the subscription's start is not missed, and graphql-ws's reconnects resume
   * after the last change received.
   */
  async watchBoard(
    placeId: string,
    onChange: (change: BoardChange) => void,
    onError: (error: unknown) => void = () => {},
  ): Promise<() => void> {
    const { taskBoard } = await this.execute(BoardSequenceDocument, { placeId });
    const variables = { placeId, after: taskBoard.sequence };
    const client = createClient({
      url: `${this.options.url.replace(/^http/, 'ws')}/graphql`,
      connectionParams: { authorization: `Bearer ${this.options.apiKey}` },
      retryAttempts: Infinity,
      shouldRetry: () => true,
    });
    const unsubscribe = client.subscribe<BoardChangesSubscription, typeof variables>(
      { query: BoardChangesDocument.toString(), variables },
      {
        next: ({ data, errors }) => {
          if (errors?.length) return onError(new GraphQLRequestError(errors));
          if (!data) return;
          variables.after = data.taskBoardChanges.sequence;
          onChange(data.taskBoardChanges);
        },
        error: onError,
        complete: () => {},
      },
    );
    return () => {
      unsubscribe();
      void client.dispose();
    };
  }
}
