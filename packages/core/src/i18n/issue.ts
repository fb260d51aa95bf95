/**
 * The key only message catalogs hold (not exported from `@gongzhi/core`): a {@link DomainError}
 * is made from a catalog message, so every outcome a client reads has its text in every locale.
 */
export const ISSUED_BY_CATALOG: unique symbol = Symbol('gongzhi.issuedByCatalog');
