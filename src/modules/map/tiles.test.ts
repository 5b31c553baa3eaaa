import { describe, expect, it } from 'vitest';
import { systemClock } from '../../kernel/index.ts';
import type { FlatFeature, LayerSource } from './sources.ts';
import { createTileEngine } from './tiles.ts';

function layerOf(id: string, count: number, loads: Map<string, number>): LayerSource {
  return {
    layer: { id, nameZh: id, nameEn: id, group: 'catalog', geometry: 'point', style: { kind: 'circle', color: '#000', cluster: false, minZoom: 0 }, source: 'test', permission: 'map.layer.read' },
    subjects: [],
    ttlMs: 60_000,
    load: () => {
      loads.set(id, (loads.get(id) ?? 0) + 1);
      const features: FlatFeature[] = Array.from({ length: count }, (_, i) => ({ type: 'Feature', properties: { n: i, name: `点${i}` }, geometry: { type: 'Point', coordinates: [116 + i / 1e5, 36.4] } }));
      return Promise.resolve({ features, skipped: 0 });
    },
  };
}

describe('tile engine memory (图层内存上限)', () => {
  it('keeps loaded layers within the feature budget, dropping the least recently used, and reloads a dropped layer when asked again', async () => {
    const loads = new Map<string, number>();
    const engine = createTileEngine(systemClock, { maxLayerFeatures: 2500 });
    const [a, b, c] = ['a', 'b', 'c'].map((id) => layerOf(id, 1000, loads)) as [LayerSource, LayerSource, LayerSource];
    await engine.data(a);
    await engine.data(b);
    await engine.data(a); // a is now the most recently used
    expect(engine.stats()).toMatchObject({ layers: 2, layerFeatures: 2000, layerEvictions: 0 });
    await engine.data(c);
    expect(engine.stats()).toMatchObject({ layers: 2, layerFeatures: 2000, layerEvictions: 1 });
    await engine.data(a);
    expect(loads.get('a')).toBe(1); // still loaded
    await engine.data(b);
    expect(loads.get('b')).toBe(2); // was dropped, loaded again
    expect(engine.stats().layerBytes).toBeGreaterThan(0);
  });

  it('keeps loaded layers within the byte budget, but always serves the layer just loaded', async () => {
    const loads = new Map<string, number>();
    const engine = createTileEngine(systemClock, { maxLayerBytes: 50_000 });
    const big = layerOf('big', 2000, loads);
    const small = layerOf('small', 10, loads);
    await engine.data(small);
    const data = await engine.data(big);
    expect(data.features).toHaveLength(2000);
    const stats = engine.stats();
    expect(stats.layers).toBe(1);
    expect(stats.layerFeatures).toBe(2000);
    expect(stats.layerBytes).toBe(data.bytes);
    const tile = await engine.tile(big, { z: 0, x: 0, y: 0 });
    expect(tile.body.length).toBeGreaterThan(0);
    engine.invalidate('big');
    expect(engine.stats()).toMatchObject({ layers: 0, layerFeatures: 0, layerBytes: 0 });
  });
});
