import type { GongzhiContext } from '@gongzhi/core';
import type { MoralBankOptions } from './bank.service.js';

/** What the plugin offers to resolvers and to plugins that depend on it. */
export interface MoralBankService {
  options: MoralBankOptions;
}

declare module '@gongzhi/core' {
  interface GongzhiServices {
    'moral-bank': MoralBankService;
  }
}

/** The plugin's resolved options, from its service. */
export function bankOptions(ctx: GongzhiContext): MoralBankOptions {
  return ctx.services.get('moral-bank').options;
}
