import { useResource, type Resource } from '../../../app/use-resource.ts';
import { fetchLayers, type LayerList, type LayerQuery } from '../api/map-api.ts';

/** A page of the layer catalogue (searched and paged by the server); reloads when the query changes. */
export function useLayers(query: LayerQuery): Resource<LayerList> {
  return useResource((signal) => fetchLayers(query, signal), { key: `layers:${query.q ?? ''}:${query.group ?? ''}:${query.ids?.join(',') ?? ''}:${query.offset}:${query.limit}` });
}
