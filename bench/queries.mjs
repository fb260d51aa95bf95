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

/** The person card: household, roles with their places, volunteer profile, moral-bank accounts with their communities. */
export const PERSON_QUERY = `query Card($id: ID!) {
  person(id: $id) {
    id name
    household { id name }
    roles { nodes { role startsOn endsOn place { id name } } }
    volunteerProfile { skills verifiedMinutes teams { nodes { id name } } }
    moralBankAccounts { nodes { id name balance community { id name } } }
  }
}`;

/** A search by words: the newest 20 requests whose title, description or hotline number holds them. */
export const SEARCH_QUERY = `query Search($text: String!) {
  requests(filter: { text: $text }, first: 20) { nodes { id title status } }
}`;

/**
 * The search workload's words, asked in turn: a phrase one request in 20,011 holds, a word and a
 * character nobody wrote, words many requests hold (the scale seed's descriptions: core's scale-seed.ts).
 */
export const SEARCH_WORDS = ['井盖松动', '断网', '鼠', '漏水', '楼道', '水'];
