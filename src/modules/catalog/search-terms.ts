// Search terms for Chinese and mixed text. PostgreSQL's full-text parsers and pg_trgm do not split
// Chinese (and pg_trgm drops non-ASCII characters under the C locale), so the catalog indexes
// its own terms in a text[] with a GIN index: every CJK character and every pair of adjacent CJK
// characters, and every ASCII word with its prefixes. A query matches when the resource holds all
// the query's terms, so "水位" finds "河道水位监测数据" and "monit" finds "monitoring".

const cjk = /[\u3400-\u9fff\uf900-\ufaff]/;
const runs = /[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g;
const MAX_PREFIX = 16;

/** Every term under which `texts` can be found. */
export function indexTerms(texts: readonly (string | null | undefined)[]): string[] {
  const terms = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const run of text.normalize('NFKC').toLowerCase().match(runs) ?? []) {
      if (cjk.test(run[0] ?? '')) {
        const chars = Array.from(run);
        for (let i = 0; i < chars.length; i++) {
          terms.add(chars[i] as string);
          if (i + 1 < chars.length) terms.add((chars[i] as string) + (chars[i + 1] as string));
        }
      } else {
        for (let n = 1; n <= Math.min(run.length, MAX_PREFIX); n++) terms.add(run.slice(0, n));
      }
    }
  }
  return [...terms];
}

/** The terms a resource must hold to match `query`: CJK bigrams (a lone character as itself), ASCII words as prefixes. */
export function queryTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const run of query.normalize('NFKC').toLowerCase().match(runs) ?? []) {
    if (cjk.test(run[0] ?? '')) {
      const chars = Array.from(run);
      if (chars.length === 1) terms.add(chars[0] as string);
      for (let i = 0; i + 1 < chars.length; i++) terms.add((chars[i] as string) + (chars[i + 1] as string));
    } else {
      terms.add(run.slice(0, MAX_PREFIX));
    }
  }
  return [...terms];
}
