import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The keys `request_search.pieces` holds for a search's words, as core migrations 0038 and 0041
 * make them in SQL: each pair of characters (lower-cased, code points cut to 16 bits), or for one
 * character the character alone. Used only to choose how a search reads: where JavaScript's
 * lower case differs from the database's (a letter with an accent in a C-locale cluster), the
 * choice is made on a key the index does not hold, never the result.
 */
export function searchPieceKeys(text: string): number[] {
  const c = Array.from(text.toLowerCase(), (x) => (x.codePointAt(0) ?? 0) % 65536);
  if (c.length === 1) return c.map((x) => x * 65536 - 2147483648);
  const keys = new Set<number>();
  c.reduce((before, x) => (keys.add(before * 65536 + x - 2147483648), x));
  return [...keys];
}

/** How often PostgreSQL's last `ANALYZE` saw the commonest pieces, and how many rows it counted. */
interface PieceShares {
  rows: number;
  /** Piece → the share of requests holding it, for the pieces `ANALYZE` kept (up to 1,000). */
  shares: Map<number, number>;
  /** The smallest share kept: every other piece is held by fewer. */
  least: number;
}

/** How long the shares are used before they are read again (`ANALYZE` runs as the table changes). */
const SHARES_KEPT_MS = 600_000;

/**
 * The statistics PostgreSQL keeps of `request_search.pieces` (its most common elements), read once
 * per database and again every ten minutes, so a search can tell from them alone, without a
 * statement, whether its word is surely rare or surely common.
 */
class SearchStatistics {
  private shares: PieceShares | null = null;
  private readAt = 0;
  private reading: Promise<void> | null = null;

  /** The shares (null until `ANALYZE` has run); read on first use, then in the background when old. */
  async current(em: EntityManager): Promise<PieceShares | null> {
    if (this.readAt === 0) await this.read(em);
    else if (Date.now() - this.readAt > SHARES_KEPT_MS) void this.read(em);
    return this.shares;
  }

  private read(em: EntityManager): Promise<void> {
    this.reading ??= (async () => {
      try {
        const [row] = await em.getConnection().execute<{ elems: number[] | null; freqs: number[] | null; rows: number }[]>(
          `SELECT s.most_common_elems::text::int[] AS elems, s.most_common_elem_freqs AS freqs, greatest(c.reltuples, 0) AS rows
             FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
             LEFT JOIN pg_stats s ON s.schemaname = ns.nspname AND s.tablename = c.relname AND s.attname = 'pieces'
            WHERE c.oid = 'request_search'::regclass`,
        );
        const elems = row?.elems ?? [];
        const freqs = row?.freqs ?? [];
        // The element shares, then the least and the greatest of them and the share of empty arrays.
        this.shares =
          elems.length > 0 && freqs.length > elems.length
            ? { rows: Number(row?.rows ?? 0), shares: new Map(elems.map((e, i) => [e, freqs[i] ?? 0])), least: freqs[elems.length] ?? 0 }
            : null;
      } catch {
        // Unreadable (a restart under way): searches count their words' holders until the next read.
        this.shares = null;
      } finally {
        this.readAt = Date.now();
        this.reading = null;
      }
    })();
    return this.reading;
  }
}

/** Per database (each ORM has its own driver), so test databases in one process keep their own. */
const byDatabase = new WeakMap<object, SearchStatistics>();

/**
 * Whether PostgreSQL's statistics alone tell how many requests hold every piece of `text`:
 * `'few'` (fewer than `dense`: some piece is that rare), `'many'` (a word of one piece that many
 * hold), or null when they cannot tell (no `ANALYZE` yet, or a phrase of common pieces, which few
 * may hold together).
 */
export async function holdersByStatistics(em: EntityManager, text: string, dense: number): Promise<'few' | 'many' | null> {
  const driver = em.getDriver();
  let statistics = byDatabase.get(driver);
  if (!statistics) byDatabase.set(driver, (statistics = new SearchStatistics()));
  const known = await statistics.current(em);
  if (!known) return null;
  const keys = searchPieceKeys(text);
  const most = Math.min(...keys.map((k) => (known.shares.get(k) ?? known.least) * known.rows));
  if (most < dense) return 'few';
  const [only, ...others] = keys;
  return only !== undefined && others.length === 0 && known.shares.has(only) ? 'many' : null;
}
