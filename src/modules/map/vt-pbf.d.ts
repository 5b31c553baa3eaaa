// vt-pbf ships no types: the one function the tile server uses.
declare module 'vt-pbf' {
  interface TileLike {
    features: ReadonlyArray<{ id?: number | string; type: 1 | 2 | 3; geometry: unknown; tags: Record<string, unknown> | null }>;
  }
  export function fromGeojsonVt(layers: Record<string, TileLike>, options?: { version?: number; extent?: number }): Uint8Array;
}
