// JSON-LD @context handling without any network access (离线可用). The NGSI-LD core context is
// built in and served by the platform; a request naming the ETSI core context URL gets this one.
// A user @context given inline (term → IRI, compact IRIs, @vocab) is applied on top of it.
import { CORE_CONTEXT_DOCUMENT, DEFAULT_VOCAB } from './core-context.ts';
import { ngsiError } from './errors.ts';

/** The core context URL of the ETSI specification (API 1.x); any version suffix is accepted. */
export const CORE_CONTEXT_URL = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld';
const coreUrlShape = /^https?:\/\/uri\.etsi\.org\/ngsi-ld\/v1\/ngsi-ld-core-context(-v1\.\d+)?\.jsonld$/;
/** Where this platform serves the core context (relative to its origin). */
export const SERVED_CONTEXT_PATH = '/ngsi-ld/v1/contexts/core';

export { CORE_CONTEXT_DOCUMENT, DEFAULT_VOCAB, NGSI_LD } from './core-context.ts';

/** A processed @context: term → IRI, the vocabulary for undefined terms, and the inverse. */
export interface LdContext {
  terms: ReadonlyMap<string, string>;
  vocab: string;
  /** IRI → shortest term, user terms before core ones. */
  inverse: ReadonlyMap<string, string>;
  /** The @context as the caller gave it (undefined: the core context), echoed in answers. */
  given: unknown;
}

type Definitions = Record<string, unknown>;
const absoluteIri = /^[A-Za-z][A-Za-z0-9+.-]*:(\/\/|[^/\s])\S*$/;

function addDefinitions(terms: Map<string, string>, state: { vocab: string }, defs: Definitions, field: string): void {
  // Prefixes first so that compact IRIs in the same object resolve whatever the member order.
  const resolve = (raw: string): string => {
    const colon = raw.indexOf(':');
    if (colon > 0 && !raw.startsWith('@')) {
      const prefix = raw.slice(0, colon);
      const known = terms.get(prefix);
      if (known !== undefined && !raw.slice(colon + 1).startsWith('//')) return known + raw.slice(colon + 1);
      return raw;
    }
    return raw.startsWith('@') ? raw : (terms.get(raw) ?? state.vocab + raw);
  };
  const entries = Object.entries(defs);
  for (const pass of [0, 1]) {
    for (const [term, def] of entries) {
      if (term === '@vocab') {
        if (pass === 1) continue;
        if (typeof def !== 'string' || !absoluteIri.test(def)) throw ngsiError('BadRequestData', '@vocab must be an absolute IRI', `${field}/@vocab`);
        state.vocab = def;
        continue;
      }
      if (term.startsWith('@')) continue;
      if (def === null) {
        if (pass === 1) terms.delete(term);
        continue;
      }
      const raw = typeof def === 'string' ? def : def !== null && typeof def === 'object' && typeof (def as Record<string, unknown>)['@id'] === 'string' ? ((def as Record<string, unknown>)['@id'] as string) : undefined;
      if (raw === undefined) {
        if (pass === 0 && typeof def === 'object' && !Array.isArray(def)) continue; // a definition without @id: the term expands with @vocab
        throw ngsiError('BadRequestData', `term definition of ${term} must be an IRI or an object with @id`, `${field}/${term}`);
      }
      // Pass 0 takes plain prefixes (absolute IRIs); pass 1 the rest, which may use them.
      if (pass === 0 && absoluteIri.test(raw) && raw.includes('//')) terms.set(term, raw);
      else if (pass === 1) terms.set(term, resolve(raw));
    }
  }
}

function build(terms: Map<string, string>, vocab: string, given: unknown, userTerms: ReadonlySet<string>): LdContext {
  const inverse = new Map<string, string>();
  const ranked = [...terms.entries()].sort(([a], [b]) => Number(userTerms.has(b)) - Number(userTerms.has(a)) || a.length - b.length);
  for (const [term, iri] of ranked) if (!iri.startsWith('@') && !inverse.has(iri)) inverse.set(iri, term);
  return { terms, vocab, inverse, given };
}

const coreTerms = new Map<string, string>();
const coreState = { vocab: DEFAULT_VOCAB };
addDefinitions(coreTerms, coreState, CORE_CONTEXT_DOCUMENT['@context'], '/@context');

/** The core context alone. */
export const CORE_CONTEXT: LdContext = build(coreTerms, coreState.vocab, undefined, new Set());

export const isCoreContextUrl = (url: string): boolean => coreUrlShape.test(url) || url.endsWith(SERVED_CONTEXT_PATH);

/**
 * Process a request's @context (from the body, or the URL of a Link header): the core context,
 * then the given ones in order. Remote contexts other than the core one are never fetched.
 */
export function resolveContext(given: unknown, field = '/@context'): LdContext {
  if (given === undefined || given === null) return CORE_CONTEXT;
  const terms = new Map(coreTerms);
  const state = { vocab: coreState.vocab };
  const user = new Set<string>();
  const items = Array.isArray(given) ? given : [given];
  for (const [i, item] of items.entries()) {
    const at = Array.isArray(given) ? `${field}/${i}` : field;
    if (typeof item === 'string') {
      if (isCoreContextUrl(item)) continue;
      throw ngsiError('LdContextNotAvailable', `remote @context ${item} is not fetched (no internet access is assumed); give the term definitions inline`, at);
    }
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw ngsiError('BadRequestData', '@context items must be URLs or objects of term definitions', at);
    const before = new Map(terms);
    addDefinitions(terms, state, item as Definitions, at);
    for (const [term, iri] of terms) if (before.get(term) !== iri) user.add(term);
  }
  return build(terms, state.vocab, given, user);
}

/** The Link header's context URL (`<url>; rel="http://www.w3.org/ns/json-ld#context"`), if any. */
export function linkContext(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]+)>\s*;(.*)$/.exec(part);
    if (m?.[2]?.includes('http://www.w3.org/ns/json-ld#context')) return m[1];
  }
  return undefined;
}

/** A term (attribute name or type) as a full IRI. */
export function expand(term: string, ctx: LdContext): string {
  const defined = ctx.terms.get(term);
  if (defined !== undefined) return defined;
  const colon = term.indexOf(':');
  if (colon > 0) {
    const prefix = ctx.terms.get(term.slice(0, colon));
    const rest = term.slice(colon + 1);
    if (prefix !== undefined && !rest.startsWith('//')) return prefix + rest;
    return term;
  }
  return ctx.vocab + term;
}

/** A full IRI as the shortest term of the context (or the IRI itself). */
export function compact(iri: string, ctx: LdContext): string {
  const term = ctx.inverse.get(iri);
  if (term !== undefined) return term;
  if (iri.startsWith(ctx.vocab) && iri.length > ctx.vocab.length && !iri.slice(ctx.vocab.length).includes('/')) return iri.slice(ctx.vocab.length);
  return iri;
}

/** What answers echo as @context: the caller's, or the core context URL. */
export const contextOut = (ctx: LdContext): unknown => ctx.given ?? CORE_CONTEXT_URL;
