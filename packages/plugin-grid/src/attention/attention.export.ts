import type { SpreadsheetExport } from '@gongzhi/core';

/**
 * The people's-conditions map as a spreadsheet (民情图台账,
 * `/export/grid-attention.csv?underId=…&levels=RED,ORANGE`): the marked households and buildings
 * under a place, red first, as `gridAttentionMap(underId:).marks` lists them, with why and by whom;
 * what the weekly grid meeting goes through.
 */
export const attentionExport: SpreadsheetExport = {
  name: 'grid-attention',
  description: "The people's-conditions map under a place: each marked place, red first, its colour, why and by whom.",
  query: `query GridAttentionExport($underId: ID!, $levels: [GridAttentionLevel!], $after: String) {
    gridAttentionMap(underId: $underId, levels: $levels) {
      marks(first: 100, after: $after) {
        nodes { place { name parent { name } } level previousLevel reason setBy { name } setAt }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`,
  columns: {
    'place.name': { en: 'Place', 'zh-CN': '地点' },
    'place.parent.name': { en: 'Within', 'zh-CN': '所属' },
    level: { en: 'Colour', 'zh-CN': '关注等级' },
    previousLevel: { en: 'Colour before', 'zh-CN': '原等级' },
    reason: { en: 'Why', 'zh-CN': '原因' },
    'setBy.name': { en: 'Marked by', 'zh-CN': '标记人' },
    setAt: { en: 'Marked at', 'zh-CN': '标记时间' },
  },
  words: {
    RED: { en: 'red', 'zh-CN': '红色' },
    ORANGE: { en: 'orange', 'zh-CN': '橙色' },
    GREEN: { en: 'green', 'zh-CN': '绿色' },
  },
};
