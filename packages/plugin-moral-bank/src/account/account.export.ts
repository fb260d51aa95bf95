import type { SpreadsheetExport } from '@gongzhi/core';

/**
 * A community's depositors as a spreadsheet (储户台账, `/export/moral-bank-accounts.csv?communityId=…`):
 * the accounts `Place.moralBankAccounts` lists to the caller, by name, with their balances and
 * activity points, what the bank's keeper files each month.
 */
export const accountsExport: SpreadsheetExport = {
  name: 'moral-bank-accounts',
  description: "A community's moral-bank accounts, by name, with balance and activity points, as Place.moralBankAccounts lists them.",
  query: `query MoralBankAccountsExport($communityId: ID!, $after: String) {
    place(id: $communityId) {
      moralBankAccounts(first: 100, after: $after) {
        nodes { id name holderKind balance activityPoints createdAt }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`,
  columns: {
    id: { en: 'ID', 'zh-CN': '编号' },
    name: { en: 'Account', 'zh-CN': '户名' },
    holderKind: { en: 'Holder', 'zh-CN': '储户类型' },
    balance: { en: 'Balance (minutes)', 'zh-CN': '余额（分钟）' },
    activityPoints: { en: 'Activity points', 'zh-CN': '积分' },
    createdAt: { en: 'Opened at', 'zh-CN': '开户时间' },
  },
  words: {
    PERSON: { en: 'person', 'zh-CN': '个人' },
    TEAM: { en: 'team', 'zh-CN': '团队' },
    ORGANIZATION: { en: 'group customer', 'zh-CN': '集团客户' },
    BANK: { en: 'the bank', 'zh-CN': '银行' },
  },
};

/**
 * An account's statement as a spreadsheet (存折明细, `/export/moral-bank-statement.csv?accountId=…&from=…&to=…`):
 * its lines newest first with the running balance after each, as `MoralBankAccount.statement`
 * lists them to the caller; a depositor prints theirs, the keeper the bank's.
 */
export const statementExport: SpreadsheetExport = {
  name: 'moral-bank-statement',
  description: "An account's statement lines, newest first, with the running balance, as MoralBankAccount.statement lists them.",
  query: `query MoralBankStatementExport($accountId: ID!, $from: DateTimeISO, $to: DateTimeISO, $after: String) {
    node(id: $accountId) {
      ... on MoralBankAccount {
        statement(from: $from, to: $to, first: 100, after: $after) {
          nodes { occurredAt kind amount balanceAfter counterparty memo transaction { id } }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }`,
  columns: {
    occurredAt: { en: 'When', 'zh-CN': '时间' },
    kind: { en: 'Kind', 'zh-CN': '业务类型' },
    amount: { en: 'Minutes in (+) or out (−)', 'zh-CN': '存入(+)/支出(−)（分钟）' },
    balanceAfter: { en: 'Balance (minutes)', 'zh-CN': '余额（分钟）' },
    counterparty: { en: 'Counterparty', 'zh-CN': '对方账户' },
    memo: { en: 'Memo', 'zh-CN': '摘要' },
    'transaction.id': { en: 'Transaction', 'zh-CN': '交易编号' },
  },
  words: {
    EARN: { en: 'service earned', 'zh-CN': '服务存入' },
    TRANSFER: { en: 'transfer', 'zh-CN': '转账' },
    GIFT: { en: 'gift', 'zh-CN': '赠与' },
    BOOKING: { en: 'venue booking', 'zh-CN': '场地预约' },
    REFUND: { en: 'refund', 'zh-CN': '退还' },
    REVERSAL: { en: 'reversal', 'zh-CN': '冲正' },
  },
};
