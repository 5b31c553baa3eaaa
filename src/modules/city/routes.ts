// HTTP routes of the city module, registered under /api/city. One line per handler: all logic
// and every domain check lives in the service.
import { Type } from '@sinclair/typebox';
import type { HttpApp } from '../../platform/http/index.ts';
import {
  CitySummarySchema,
  DistrictFeatureCollectionSchema,
  DivisionListSchema,
  EnterpriseSchema,
  ResidentSchema,
} from './schemas.ts';
import type { CityService } from './service.ts';

const tags = ['city'];

const ResidentParams = Type.Object({
  idNumber: Type.String({ pattern: '^([0-9]{17}[0-9Xx]|[0-9]{15})$', description: '居民身份证号码: 18 characters (or the 15-digit legacy form)' }),
});
const EnterpriseParams = Type.Object({
  uscc: Type.String({ pattern: '^[0-9A-Za-z]{18}$', description: '统一社会信用代码: 18 characters' }),
});
const DivisionQuery = Type.Object({
  parent: Type.Optional(Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,2}$', description: 'division code (6, 9 or 12 digits); default 371500' })),
});

export function cityRoutes(service: CityService) {
  return (app: HttpApp): void => {
    app.get(
      '/summary',
      // Aggregates only: the console's home page shows them before anyone signs in.
      { config: { permission: 'public' }, schema: { tags, summary: 'Totals of the city and its 8 districts (zeros before the demo city is built)', response: { 200: CitySummarySchema } } },
      () => service.summary(),
    );
    app.get(
      '/districts.geojson',
      {
        config: { permission: 'public' },
        schema: {
          tags,
          summary: 'District boundaries as GeoJSON, with population, enterprises and grids',
          produces: ['application/geo+json'],
          response: { 200: DistrictFeatureCollectionSchema },
        },
      },
      async (_request, reply) => reply.type('application/geo+json').send(await service.districtsGeoJson()),
    );
    app.get(
      '/divisions',
      { config: { permission: 'public' }, schema: { tags, summary: 'Divisions directly under a division, with counts', querystring: DivisionQuery, response: { 200: DivisionListSchema } } },
      (request) => service.listDivisions(request.query),
    );
    app.get(
      '/residents/:idNumber',
      // Personal data (个人信息): staff with the population-library permission only.
      { config: { permission: 'city.resident.read', audit: 'read' }, schema: { tags, summary: 'A resident by resident ID number', params: ResidentParams, response: { 200: ResidentSchema } } },
      async (request) => service.getResident(request.params.idNumber, await request.regionScope?.()),
    );
    app.get(
      '/enterprises/:uscc',
      { config: { permission: 'city.enterprise.read', audit: 'read' }, schema: { tags, summary: 'An enterprise by unified social credit code', params: EnterpriseParams, response: { 200: EnterpriseSchema } } },
      async (request) => service.getEnterprise(request.params.uscc, await request.regionScope?.()),
    );
  };
}
