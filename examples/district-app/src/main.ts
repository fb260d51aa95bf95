import { pathToFileURL } from 'node:url';
import { type BoardChange, DistrictClient, type DistrictClientOptions } from './client.js';

/** What one run of the program did, for whoever called it. */
export interface RunResult {
  community: string;
  openRequests: number;
  submittedId: string;
  /** The board change that showed the new request. */
  seen: BoardChange;
}

/**
 * What a district app does in one go: names the community, lists its open requests page by page,
 * watches its live board, submits a request and waits until the board shows it.
 */
export async function run(
  options: DistrictClientOptions,
  communityId: string,
  print: (line: string) => void = console.log,
): Promise<RunResult> {
  const client = new DistrictClient(options);
  const community = await client.community(communityId);
  if (!community) throw new Error(`No place ${communityId} that this key may see.`);
  print(`${community.name}: open requests`);

  let openRequests = 0;
  for await (const request of client.openRequests(community.id, 10)) {
    openRequests += 1;
    print(`  [${request.status}] ${request.title} · ${request.place.name} · ${request.createdAt.slice(0, 10)}`);
  }
  print(`${openRequests} open`);

  let resolveSeen!: (change: BoardChange) => void;
  let rejectSeen!: (error: unknown) => void;
  const seenPromise = new Promise<BoardChange>((resolve, reject) => ((resolveSeen = resolve), (rejectSeen = reject)));
  seenPromise.catch(() => {}); // awaited below; an error before then is reported by what threw it
  let submittedId: string | undefined;
  const early: BoardChange[] = [];
  const onChange = (change: BoardChange) => {
    print(`  live #${change.sequence}: ${change.event ?? 'refetch'} ${change.card?.title ?? ''} → ${change.card?.status ?? '-'}`);
    if (submittedId === undefined) early.push(change);
    else if (change.card?.itemId === submittedId) resolveSeen(change);
  };
  const stop = await client.watchBoard(community.id, onChange, rejectSeen);
  try {
    const result = await client.submitRequest({
      placeId: community.id,
      kind: 'NEED',
      channel: 'MOBILE_REPORT',
      title: '小区东门路灯不亮',
      description: '晚上出行不便，请尽快维修。',
      // Anonymous (no requesterId): the office calls back on this number.
      callbackPhone: '13800138000',
    });
    if (!result.request) throw new Error(`Not submitted: ${result.errors.map((e) => `${e.code} ${e.message}`).join('; ')}`);
    submittedId = result.request.id;
    print(`submitted ${result.request.title} (${result.request.status})`);
    // The change may have arrived before the mutation's answer did.
    const already = early.find((change) => change.card?.itemId === submittedId);
    if (already) resolveSeen(already);
    const seen = await withTimeout(seenPromise, 10_000, 'the board did not show the new request');
    return { community: community.name, openRequests, submittedId, seen };
  } finally {
    stop();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// `node dist/main.js <community id>` with GONGZHI_URL and GONGZHI_API_KEY in the environment.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [communityId] = process.argv.slice(2);
  const apiKey = process.env.GONGZHI_API_KEY;
  if (!communityId || !apiKey) {
    console.error('usage: GONGZHI_API_KEY=gz_… [GONGZHI_URL=http://localhost:4000] node dist/main.js <community id>');
    process.exit(2);
  }
  run({ url: process.env.GONGZHI_URL ?? 'http://localhost:4000', apiKey }, communityId).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
