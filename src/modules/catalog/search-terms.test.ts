import { describe, expect, it } from 'vitest';
import { indexTerms, queryTerms } from './search-terms.ts';

const matches = (text: string, query: string): boolean => {
  const held = new Set(indexTerms([text]));
  const wanted = queryTerms(query);
  return wanted.length > 0 && wanted.every((t) => held.has(t));
};

describe('catalog search terms', () => {
  it('finds a Chinese word inside a longer name', () => {
    expect(matches('河道水位监测数据', '水位')).toBe(true);
    expect(matches('河道水位监测数据', '水位监测')).toBe(true);
    expect(matches('河道水位监测数据', '河')).toBe(true);
    expect(matches('河道水位监测数据', '雨量')).toBe(false);
    expect(matches('河道水位监测数据', '水监')).toBe(false);
  });
  it('matches ASCII words by prefix, case and width folded', () => {
    expect(matches('GIS 网格 Monitoring', 'monit')).toBe(true);
    expect(matches('GIS 网格 Monitoring', 'ＧＩＳ')).toBe(true);
    expect(matches('GIS 网格 Monitoring', 'itor')).toBe(false);
  });
  it('needs every word of a query', () => {
    expect(matches('河道水位监测数据 daily', '水位 daily')).toBe(true);
    expect(matches('河道水位监测数据', '水位 空气')).toBe(false);
  });
  it('has no terms for punctuation only', () => {
    expect(queryTerms('，。!')).toEqual([]);
  });
});
