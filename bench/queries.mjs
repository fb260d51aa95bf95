// The read workloads' GraphQL documents shared by bench.mjs and the in-process tools.

/** The board: a page of 50 open requests under a community with requester, assignee, place and its ancestors, last timeline entry. */
export const BOARD_QUERY = `query Board($under: ID!) {
  requests(filter: { under: $under, status: [SUBMITTED, ACCEPTED, CLAIMED, IN_PROGRESS] }, first: 50) {
    edges { node {
      id title status level createdAt
      requester { id name }
      assignee { id name }
      place { id name ancestors { id name } }
      lastTimelineEntry { action toStatus at }
    } }
  }
}`;
