import { AsyncLocalStorage } from 'node:async_hooks';
import { GraphQLError } from 'graphql';
import { DomainError } from '../command/domain-error.js';
import { PluginCompositionError } from '../errors.js';
import { ISSUED_BY_CATALOG } from './issue.js';
import { LOCALES, type Locale } from './locales.js';

// In their own module so that the CLI can check its configuration without loading GraphQL.
export { isLocale, type Locale, LOCALES } from './locales.js';

/** The names of the `{param}` placeholders of a template, as a union of string literals (`{ x }`, with spaces, is text). */
export type ParamNames<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? (P extends `${string} ${string}` ? never : P) | ParamNames<Rest>
  : never;

/** The values a message's placeholders take. */
export type MessageParams<S extends string> = { [K in ParamNames<S>]: ParamValue };

/**
 * What a placeholder takes: a value (written as a template literal would), a {@link Phrase}, or
 * an error whose message is told inside this one; both in the reader's language.
 */
export type ParamValue = string | number | null | undefined | Phrase | GraphQLError;

/**
 * A few words a message takes as a parameter (`cancelled`, `swap other members' shifts`), in
 * every locale, so that the whole sentence is in the reader's language. Define them with
 * {@link definePhrases}.
 */
export class Phrase {
  constructor(
    readonly catalog: string,
    readonly key: string,
    readonly text: Readonly<Record<Locale, string>>,
  ) {}
}

/** Declares phrases for message parameters: each in English and Chinese, checked as they are defined. */
export function definePhrases<const T extends Record<string, Record<Locale, string>>>(
  catalog: string,
  entries: T,
): { readonly [K in keyof T]: Phrase } {
  const out: Record<string, Phrase> = {};
  const problems: string[] = [];
  for (const [key, text] of Object.entries(entries)) {
    for (const locale of LOCALES) if (typeof text[locale] !== 'string') problems.push(`${catalog}.${key}: no ${locale} text.`);
    if (!CJK.test(text['zh-CN'] ?? '')) problems.push(`${catalog}.${key}: the zh-CN text has no Chinese in it.`);
    if (/\{\w+\}/.test(`${text.en}${text['zh-CN']}`)) problems.push(`${catalog}.${key}: a phrase takes no parameters.`);
    out[key] = new Phrase(catalog, key, { en: text.en, 'zh-CN': text['zh-CN'] });
  }
  if (problems.length) throw new PluginCompositionError(`Phrases "${catalog}" are incomplete: ${problems.join(' ')}`);
  return Object.freeze(out) as { readonly [K in keyof T]: Phrase };
}

/** How a catalog entry is written: the code clients switch on, and the text in every locale. */
export interface MessageText {
  /** UPPER_SNAKE_CASE; several messages may share one (`BAD_USER_INPUT`). */
  code: string;
  en: string;
  'zh-CN': string;
}

type Extensions = Record<string, unknown>;

/** Han characters: a zh-CN text without any is English copied over, not a translation. */
const CJK = /[\u4e00-\u9fff]/;

/** What {@link Message.error} takes: the parameters (when the text has any), the input at fault, extensions. */
export type ErrorArgs<P> = [keyof P] extends [never]
  ? [field?: string | null, extensions?: Extensions]
  : [params: P, field?: string | null, extensions?: Extensions];

/** What {@link Message.topLevel} takes: the parameters (when the text has any) and extensions. */
export type TopLevelArgs<P> = [keyof P] extends [never] ? [extensions?: Extensions] : [params: P, extensions?: Extensions];

const LOCALIZED = Symbol('gongzhi.localized');

/** A message and the values of its placeholders, kept on an error so that it is rendered in the language of whoever reads it. */
interface Localized {
  message: Message<object>;
  params: Record<string, ParamValue>;
}

/**
 * One message of a catalog: a `code` and a template per locale with the same named parameters
 * (`{shift}`). Errors made from it carry the message and its values, and are rendered in the
 * caller's language when they leave the server (see {@link localizedMessage}).
 */
export class Message<P extends object = Record<never, never>> {
  constructor(
    /** The catalog it belongs to (`core`, a plugin id). */
    readonly catalog: string,
    /** Its key in the catalog. */
    readonly key: string,
    readonly code: string,
    readonly text: Readonly<Record<Locale, string>>,
  ) {}

  /** The text in `locale` with `params` filled in. */
  render(locale: Locale, params: P): string {
    const values = params as Record<string, ParamValue>;
    return this.text[locale].replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = values[name];
      if (value instanceof Phrase) return value.text[locale];
      if (value instanceof GraphQLError) return localizedMessage(value, locale) ?? value.message;
      return String(value);
    });
  }

  /**
   * A domain outcome (see {@link DomainError}): in a command it becomes a payload error, in a
   * query resolver a GraphQL error with `extensions.code` and `extensions.field`.
   */
  error(...args: ErrorArgs<P>): DomainError {
    const [params, field, extensions] = this.split<[string | null | undefined, Extensions | undefined]>(args);
    const err = new DomainError(ISSUED_BY_CATALOG, this.code, this.render('en', params as P), field ?? null, extensions ?? {});
    return attach(err, this, params);
  }

  /**
   * Tells the outcome of another command (`reason`, rendered in the reader's language) in this
   * message's words, under that outcome's code: a client switches on what really happened.
   */
  relay(reason: DomainError, params: Omit<P, 'reason'>, field?: string | null, extensions?: Extensions): DomainError {
    const all = { ...params, reason } as unknown as P;
    const err = new DomainError(ISSUED_BY_CATALOG, reason.code, this.render('en', all), field ?? null, extensions ?? {});
    return attach(err, this, all as Record<string, ParamValue>);
  }

  /** The arguments of {@link error} and {@link topLevel}: the parameters come first when the text has any. */
  private split<Rest extends unknown[]>(args: unknown[]): [Record<string, ParamValue>, ...Rest] {
    return /\{\w+\}/.test(this.text.en) ? (args as [Record<string, ParamValue>, ...Rest]) : [{}, ...(args as Rest)];
  }

  /** A top-level GraphQL error (credentials, limits): `extensions.code` is the message's code. */
  topLevel(...args: TopLevelArgs<P>): GraphQLError {
    const [params, extensions] = this.split<[Extensions | undefined]>(args);
    const err = new GraphQLError(this.render('en', params as P), { extensions: { code: this.code, ...(extensions ?? {}) } });
    return attach(err, this, params);
  }
}

function attach<E extends GraphQLError>(err: E, message: Message<object>, params: Record<string, ParamValue>): E {
  Object.defineProperty(err, LOCALIZED, { value: { message, params } satisfies Localized });
  return err;
}

/**
 * The same outcome about another input: a command run inside another (`uow.run`) names its own
 * input (`input.photoUploadIds.0`), which the outer command's client knows by another path
 * (`input.findings.2.photoUploadIds.0`). Same code, words (in every locale) and extensions.
 */
export function errorAt(error: DomainError, field: string): DomainError {
  const { code: _code, field: _field, argument: _argument, ...extensions } = error.extensions;
  const moved = new DomainError(ISSUED_BY_CATALOG, error.code, error.message, field, extensions);
  const localized = (error as { [LOCALIZED]?: Localized })[LOCALIZED];
  return localized ? attach(moved, localized.message, localized.params) : moved;
}

/** The message of `error` in `locale`, when it was made from a catalog message; else undefined. */
export function localizedMessage(error: unknown, locale: Locale): string | undefined {
  const localized = (error as { [LOCALIZED]?: Localized } | null)?.[LOCALIZED];
  return localized ? localized.message.render(locale, localized.params) : undefined;
}

/** A catalog: its messages by key (what {@link defineMessages} returns, and what plugins declare as `messages`). */
export type MessageCatalog = Readonly<Record<string, Message<object>>>;

type Defined<T extends Record<string, MessageText>> = { readonly [K in keyof T]: Message<MessageParams<T[K]['en']>> };

/**
 * Declares a catalog of messages: each with a code and its text in English and Chinese, with
 * `{named}` parameters the two texts share. Parameters are typed from the English text, and the
 * catalog is checked as it is defined (see {@link checkMessageCatalogs}), so a message missing
 * a language or a parameter stops the platform before it serves.
 *
 * ```ts
 * export const messages = defineMessages('volunteer', {
 *   shiftOver: { code: 'SHIFT_OVER', en: 'This shift ended at {endsAt}.', 'zh-CN': '该班次已于{endsAt}结束。' },
 * });
 * throw messages.shiftOver.error({ endsAt }, 'shiftId');
 * ```
 */
export function defineMessages<const T extends Record<string, MessageText>>(catalog: string, entries: T): Defined<T> {
  const out: Record<string, Message<object>> = {};
  for (const [key, entry] of Object.entries(entries))
    out[key] = new Message(catalog, key, entry.code, { en: entry.en, 'zh-CN': entry['zh-CN'] });
  const problems = catalogProblems(out);
  if (problems.length) throw new PluginCompositionError(`Message catalog "${catalog}" is incomplete: ${problems.join(' ')}`);
  return Object.freeze(out) as unknown as Defined<T>;
}

function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ''))].sort();
}

/** What is wrong with the messages of one catalog (empty when nothing is). */
function catalogProblems(catalog: MessageCatalog): string[] {
  const problems: string[] = [];
  for (const message of Object.values(catalog)) {
    const name = `${message.catalog}.${message.key}`;
    if (!/^[A-Z][A-Z0-9_]*$/.test(message.code)) problems.push(`${name}: code "${message.code}" is not UPPER_SNAKE_CASE.`);
    for (const locale of LOCALES) {
      if (typeof message.text[locale] !== 'string' || !message.text[locale].trim()) problems.push(`${name}: no ${locale} text.`);
    }
    if (problems.length) continue;
    if (!CJK.test(message.text['zh-CN'])) problems.push(`${name}: the zh-CN text has no Chinese in it.`);
    const en = placeholders(message.text.en).join(', ');
    const zh = placeholders(message.text['zh-CN']).join(', ');
    if (en !== zh) problems.push(`${name}: the parameters differ: en has {${en}}, zh-CN has {${zh}}.`);
  }
  return problems;
}

/**
 * The host's check at boot over every catalog declared by core and the plugins: each message
 * has a code, a text in every locale, and the same parameters in each; two owners never
 * declare the same catalog id; messages the manifests use (constraint errors) come from a
 * declared catalog.
 */
export function checkMessageCatalogs(
  catalogs: readonly { owner: string; catalog: MessageCatalog }[],
  used: readonly Message<object>[] = [],
): void {
  const problems: string[] = [];
  const declared = new Set(catalogs.flatMap(({ catalog }) => Object.values(catalog)));
  for (const message of used) {
    if (!declared.has(message))
      problems.push(`${message.catalog}.${message.key} is used but its catalog is not declared (the manifest's messages).`);
    else if (placeholders(message.text.en).length)
      problems.push(`${message.catalog}.${message.key} is a constraint error: it cannot take parameters.`);
  }
  const owners = new Map<string, string>();
  for (const { owner, catalog } of catalogs) {
    for (const message of Object.values(catalog)) {
      const other = owners.get(message.catalog);
      if (other && other !== owner) problems.push(`catalog "${message.catalog}" is declared by both ${other} and ${owner}.`);
      owners.set(message.catalog, owner);
    }
    problems.push(...catalogProblems(catalog));
  }
  if (problems.length)
    throw new PluginCompositionError(
      `Every error message needs an en and a zh-CN text with the same parameters (see the README's errors section): ${[...new Set(problems)].join(' ')}`,
    );
}

const localeScope = new AsyncLocalStorage<Locale>();

/** The language messages fall back to outside an operation (jobs, logs, the CLI). */
export const FALLBACK_LOCALE: Locale = 'en';

/** Runs `work` with `locale` as the language of the messages it produces (one operation). */
export function inLocale<T>(locale: Locale, work: () => T): T {
  return localeScope.run(locale, work);
}

/** The language of the operation running now ({@link FALLBACK_LOCALE} outside one). */
export function currentLocale(): Locale {
  return localeScope.getStore() ?? FALLBACK_LOCALE;
}

/**
 * The locale an `Accept-Language` header asks for: the preferences by q-value, the first that
 * is Chinese (`zh`, `zh-CN`, `zh-Hans`, any `zh-*`: the messages are in Simplified Chinese) or
 * English wins; `*` takes `fallback`. A header naming only other languages gets English; no
 * header (or an empty one) gets `fallback`, the server's default locale.
 */
export function resolveLocale(acceptLanguage: string | readonly string[] | null | undefined, fallback: Locale): Locale {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : ((acceptLanguage as string | null | undefined) ?? '');
  const preferences = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...attributes] = part.trim().split(';');
      const q = attributes.map((a) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(a)).find(Boolean);
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q[1]) : 1, index };
    })
    .filter((p) => p.tag && p.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  if (!preferences.length) return fallback;
  for (const { tag } of preferences) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
    if (tag === '*') return fallback;
  }
  return 'en';
}
