import { defineMessages } from '@gongzhi/core';

/**
 * The gateway's own messages (limits, faults, transports), in every locale: each has the code
 * clients switch on and the same `{parameters}` in English and Chinese.
 */
export const gatewayMessages = defineMessages('gateway', {
  internal: {
    code: 'INTERNAL',
    en: 'Internal error (request {requestId}). The operators can find it in the log by this id.',
    'zh-CN': '服务器内部错误（请求编号 {requestId}）。运维人员可凭此编号在日志中查找。',
  },
  databaseUnavailable: {
    code: 'DATABASE_UNAVAILABLE',
    en: 'The database is unavailable (restarting or unreachable). Retry in {retryAfter} s; a write that was in flight may or may not have been applied.',
    'zh-CN': '数据库暂不可用（正在重启或无法连接）。请 {retryAfter} 秒后重试；刚才提交的写入可能已生效，也可能没有。',
  },
  rateLimited: {
    code: 'RATE_LIMITED',
    en: 'Too many operations: the limit is reached for this key. Retry in {retryAfter} s.',
    'zh-CN': '操作过于频繁，已达到该密钥的次数上限。请 {retryAfter} 秒后重试。',
  },
  tooManyAliases: {
    code: 'TOO_MANY_ALIASES',
    en: 'Too many aliases: the limit is {max} in one document.',
    'zh-CN': '别名过多：一个查询文档最多 {max} 个别名。',
  },
  depthLimit: {
    code: 'GRAPHQL_VALIDATION_FAILED',
    en: 'Syntax Error: Query depth limit of {max} exceeded, found {found}.',
    'zh-CN': '查询嵌套过深：上限为 {max} 层，实际为 {found} 层。',
  },
  costLimit: {
    code: 'GRAPHQL_VALIDATION_FAILED',
    en: 'Syntax Error: Query Cost limit of {max} exceeded, found {found}.',
    'zh-CN': '查询开销过大：上限为 {max}，实际为 {found}。',
  },
  directivesLimit: {
    code: 'GRAPHQL_VALIDATION_FAILED',
    en: 'Syntax Error: Directives limit of {max} exceeded, found {found}.',
    'zh-CN': '指令过多：上限为 {max} 个，实际为 {found} 个。',
  },
  invalidQuery: {
    code: 'GRAPHQL_VALIDATION_FAILED',
    en: '{detail}',
    'zh-CN': '查询语句未通过校验：{detail}',
  },
  queryParseFailed: {
    code: 'GRAPHQL_PARSE_FAILED',
    en: '{detail}',
    'zh-CN': '查询语句有语法错误：{detail}',
  },
  badInput: {
    code: 'BAD_USER_INPUT',
    en: '{detail}',
    'zh-CN': '输入有误：{detail}',
  },
  tooManySubscriptions: {
    code: 'TOO_MANY_SUBSCRIPTIONS',
    en: 'This connection already has {max} operations open, the most allowed. Complete one first, or open another connection.',
    'zh-CN': '该连接已有 {max} 个进行中的操作，已达上限。请先结束一个，或另开连接。',
  },
  credentialNoLongerValid: {
    code: 'UNAUTHENTICATED',
    en: 'The credential is no longer valid.',
    'zh-CN': '凭证已失效。',
  },
  nameTheOperation: {
    code: 'BAD_REQUEST',
    en: 'Name the operation to run (operationName): the document has several, or none.',
    'zh-CN': '请用 operationName 指明要执行的操作：文档中有多个操作，或一个也没有。',
  },
  subscriptionsOnly: {
    code: 'OPERATION_NOT_ALLOWED',
    en: 'Only subscriptions are served over WebSocket; send this {operation} over HTTP (POST /graphql).',
    'zh-CN': 'WebSocket 只提供订阅；此 {operation} 请通过 HTTP 发送（POST /graphql）。',
  },
  streamFailed: {
    code: 'STREAM_FAILED',
    en: 'The subscription stream failed; resubscribe from the last sequence received.',
    'zh-CN': '订阅推送中断，请从最后收到的序号重新订阅。',
  },
  bodyTooLarge: {
    code: 'PAYLOAD_TOO_LARGE',
    en: 'Request body is larger than {max} bytes.',
    'zh-CN': '请求体超过 {max} 字节。',
  },
  bodyNotJson: {
    code: 'BAD_REQUEST',
    en: 'Request body is not valid JSON.',
    'zh-CN': '请求体不是有效的 JSON。',
  },
  pathNotFound: {
    code: 'NOT_FOUND',
    en: 'Not found. The GraphQL API is at {path}.',
    'zh-CN': '找不到该地址。GraphQL 接口位于 {path}。',
  },
  serverError: {
    code: 'INTERNAL',
    en: 'Internal server error',
    'zh-CN': '服务器内部错误',
  },
});

/**
 * What graphql-js and Apollo say in their own words (validation, parsing, variables), by code:
 * told in English as they are, and inside a Chinese sentence for zh-CN readers.
 */
export const WRAPPED_BY_CODE = {
  GRAPHQL_VALIDATION_FAILED: gatewayMessages.invalidQuery,
  GRAPHQL_PARSE_FAILED: gatewayMessages.queryParseFailed,
  BAD_USER_INPUT: gatewayMessages.badInput,
} as const;
