// JSON-LD @context handling without any network access (离线可用). The NGSI-LD core context is
// built in and served by the platform; a request naming the ETSI core context URL gets this one.
// A user @context given inline (term → IRI, compact IRIs, @vocab) is applied on top of it.
import { ngsiError } from './errors.ts';

/** The core context URL of the ETSI specification (API 1.x); any version suffix is accepted. */
export const CORE_CONTEXT_URL = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld';
const coreUrlShape = /^https?:\/\/uri\.etsi\.org\/ngsi-ld\/v1\/ngsi-ld-core-context(-v1\.\d+)?\.jsonld$/;
/** Where this platform serves the core context (relative to its origin). */
export const SERVED_CONTEXT_PATH = '/ngsi-ld/v1/contexts/core';

export const NGSI_LD = 'https://uri.etsi.org/ngsi-ld/';
export const DEFAULT_VOCAB = 'https://uri.etsi.org/ngsi-ld/default-context/';

/**
 * The core term definitions (ETSI GS CIM 009, ngsi-ld-core-context, © ETSI, BSD-3-Clause):
 * the ones this implementation reads and writes.
 */
export const CORE_CONTEXT_DOCUMENT = {
  '@context': {
    'ngsi-ld': NGSI_LD,
    geojson: 'https://purl.org/geojson/vocab#',
    id: '@id',
    type: '@type',
    value: 'ngsi-ld:hasValue',
    object: { '@id': 'ngsi-ld:hasObject', '@type': '@id' },
    Property: 'ngsi-ld:Property',
    Relationship: 'ngsi-ld:Relationship',
    GeoProperty: 'ngsi-ld:GeoProperty',
    DateTime: 'ngsi-ld:DateTime',
    Date: 'ngsi-ld:Date',
    Time: 'ngsi-ld:Time',
    createdAt: { '@id': 'ngsi-ld:createdAt', '@type': 'DateTime' },
    modifiedAt: { '@id': 'ngsi-ld:modifiedAt', '@type': 'DateTime' },
    observedAt: { '@id': 'ngsi-ld:observedAt', '@type': 'DateTime' },
    datasetId: { '@id': 'ngsi-ld:datasetId', '@type': '@id' },
    instanceId: { '@id': 'ngsi-ld:instanceId', '@type': '@id' },
    unitCode: 'ngsi-ld:unitCode',
    location: 'ngsi-ld:location',
    observationSpace: 'ngsi-ld:observationSpace',
    operationSpace: 'ngsi-ld:operationSpace',
    coordinates: { '@container': '@list', '@id': 'geojson:coordinates' },
    bbox: { '@container': '@list', '@id': 'geojson:bbox' },
    geometry: 'geojson:geometry',
    Point: 'geojson:Point',
    MultiPoint: 'geojson:MultiPoint',
    LineString: 'geojson:LineString',
    MultiLineString: 'geojson:MultiLineString',
    Polygon: 'geojson:Polygon',
    MultiPolygon: 'geojson:MultiPolygon',
    GeometryCollection: 'geojson:GeometryCollection',
    Feature: 'geojson:Feature',
    FeatureCollection: 'geojson:FeatureCollection',
    Subscription: 'ngsi-ld:Subscription',
    Notification: 'ngsi-ld:Notification',
    entities: 'ngsi-ld:entities',
    idPattern: 'ngsi-ld:idPattern',
    watchedAttributes: { '@id': 'ngsi-ld:watchedAttributes', '@type': '@vocab' },
    q: 'ngsi-ld:q',
    geoQ: 'ngsi-ld:geoQ',
    georel: 'ngsi-ld:georel',
    geoproperty: 'ngsi-ld:geoproperty',
    notification: 'ngsi-ld:notification',
    attributes: { '@id': 'ngsi-ld:attributes', '@type': '@vocab' },
    format: 'ngsi-ld:format',
    endpoint: 'ngsi-ld:endpoint',
    uri: 'ngsi-ld:uri',
    accept: 'ngsi-ld:accept',
    throttling: 'ngsi-ld:throttling',
    expiresAt: { '@id': 'ngsi-ld:expiresAt', '@type': 'DateTime' },
    isActive: 'ngsi-ld:isActive',
    status: 'ngsi-ld:status',
    timesSent: 'ngsi-ld:timesSent',
    timesFailed: 'ngsi-ld:timesFailed',
    lastNotification: { '@id': 'ngsi-ld:lastNotification', '@type': 'DateTime' },
    lastSuccess: { '@id': 'ngsi-ld:lastSuccess', '@type': 'DateTime' },
    lastFailure: { '@id': 'ngsi-ld:lastFailure', '@type': 'DateTime' },
    notifiedAt: { '@id': 'ngsi-ld:notifiedAt', '@type': 'DateTime' },
    subscriptionId: { '@id': 'ngsi-ld:subscriptionId', '@type': '@id' },
    subscriptionName: 'ngsi-ld:subscriptionName',
    description: 'http://purl.org/dc/terms/description',
    data: 'ngsi-ld:data',
    timeAt: { '@id': 'ngsi-ld:timeAt', '@type': 'DateTime' },
    endTimeAt: { '@id': 'ngsi-ld:endTimeAt', '@type': 'DateTime' },
    timerel: 'ngsi-ld:timerel',
    timeproperty: 'ngsi-ld:timeproperty',
    values: { '@id': 'ngsi-ld:hasValues', '@container': '@list' },
    avg: { '@id': 'ngsi-ld:avg', '@container': '@list' },
    min: { '@id': 'ngsi-ld:min', '@container': '@list' },
    max: { '@id': 'ngsi-ld:max', '@container': '@list' },
    sum: { '@id': 'ngsi-ld:sum', '@container': '@list' },
    totalCount: { '@id': 'ngsi-ld:totalCount', '@container': '@list' },
    '@vocab': DEFAULT_VOCAB,
  },
} as const;

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
