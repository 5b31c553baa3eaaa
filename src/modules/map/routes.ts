// HTTP routes of the one map, under /api/map. One line per handler.
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../platform/http/index.ts';
import { holds } from '../identity/index.ts';
import { FeatureCollectionSchema, GeoJsonQuerySchema, LayerListQuerySchema, LayerListSchema, LayerParamsSchema, LayerSchema, TileParamsSchema, TileQuerySchema, type MapView } from './schemas.ts';
import type { EventScope } from '../events/index.ts';
import { EVERYTHING, type CanRead, type MapCaller, type MapService } from './service.ts';

const tags = ['map'];

/** What the caller may read: the access hook's principal, or everything when none is installed. */
export function canReadOf(request: FastifyRequest): CanRead {
  const p = request.principal;
  return p ? (permission) => holds(p, permission) : () => true;
}

/**
 * The caller of a features request: permissions, and the event scope of the principal (read once,
 * when a layer of events needs it) — their event list's, or with `view=screen` their big screen's.
 */
function callerOf(request: FastifyRequest, service: MapService, view: MapView = 'list'): MapCaller {
  const p = request.principal;
  if (!p) return EVERYTHING;
  let scope: Promise<EventScope> | undefined;
  return { can: (permission) => holds(p, permission), eventScope: () => (scope ??= view === 'screen' ? service.screenScope(p) : service.eventScope(p)) };
}

export function mapRoutes(service: MapService) {
  return (app: HttpApp): void => {
    app.get('/layers', { config: { permission: 'map.layer.read' }, schema: { tags, summary: '图层目录 the layer catalogue: search, group, page', querystring: LayerListQuerySchema, response: { 200: LayerListSchema } } }, (request) =>
      service.layers(request.query, canReadOf(request)),
    );
    app.get('/layers/:id', { config: { permission: 'map.layer.read' }, schema: { tags, summary: 'One layer of the catalogue', params: LayerParamsSchema, response: { 200: LayerSchema } } }, (request) =>
      service.layer(request.params.id, canReadOf(request)),
    );
    app.get(
      '/layers/:id/geojson',
      { config: { permission: 'map.layer.read' }, schema: { tags, summary: "A layer's features as GeoJSON, optionally inside a bbox", params: LayerParamsSchema, querystring: GeoJsonQuerySchema, response: { 200: FeatureCollectionSchema } } },
      async (request, reply) => reply.type('application/geo+json').send(await service.geojson(request.params.id, request.query, callerOf(request, service, request.query.view))),
    );
    app.get(
      '/tiles/:layer/:z/:x/:y',
      { config: { permission: 'map.layer.read' }, schema: { tags, summary: 'A Mapbox Vector Tile of a layer ({y}.pbf); ETag and If-None-Match', params: TileParamsSchema, querystring: TileQuerySchema, produces: ['application/vnd.mapbox-vector-tile'] } },
      async (request, reply) => {
        const { layer, z, x, y } = request.params;
        const t = await service.tile(layer, z, x, y, callerOf(request, service, request.query.view));
        reply.header('etag', t.etag).header('cache-control', t.maxAge > 0 ? `private, max-age=${t.maxAge}` : 'private, no-cache').header('x-tile-cache', t.cached ? 'hit' : 'miss');
        if (request.headers['if-none-match'] === t.etag) return reply.code(304).send();
        return reply.type('application/vnd.mapbox-vector-tile').send(t.body);
      },
    );
  };
}
