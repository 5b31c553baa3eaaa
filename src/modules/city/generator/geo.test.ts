import { describe, expect, it } from 'vitest';
import { loadDistrictBoundaries } from './boundaries.ts';
import { distanceToBoundary, type DistrictGeometry, geometryArea, labelPoint, pointInGeometry, pointInRing, type Ring } from './geo.ts';

const square: Ring = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]];
// A "C" shape: the notch (4..10, 4..6) is outside.
const cShape: Ring = [[0, 0], [10, 0], [10, 4], [4, 4], [4, 6], [10, 6], [10, 10], [0, 10], [0, 0]];

describe('point in polygon (ray casting)', () => {
  it('tells inside from outside for a square', () => {
    expect(pointInRing(5, 5, square)).toBe(true);
    expect(pointInRing(0.001, 9.999, square)).toBe(true);
    expect(pointInRing(-1, 5, square)).toBe(false);
    expect(pointInRing(5, 10.5, square)).toBe(false);
  });

  it('handles a concave ring', () => {
    expect(pointInRing(2, 5, cShape)).toBe(true);
    expect(pointInRing(7, 5, cShape)).toBe(false);
    expect(pointInRing(7, 2, cShape)).toBe(true);
    expect(pointInRing(7, 8, cShape)).toBe(true);
  });

  it('excludes holes and accepts any part of a multipolygon', () => {
    const hole: Ring = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]];
    const withHole: DistrictGeometry = { type: 'Polygon', coordinates: [square, hole] };
    expect(pointInGeometry(5, 5, withHole)).toBe(false);
    expect(pointInGeometry(2, 2, withHole)).toBe(true);
    const far: Ring = square.map(([x, y]) => [x + 20, y]);
    const multi: DistrictGeometry = { type: 'MultiPolygon', coordinates: [[square], [far]] };
    expect(pointInGeometry(25, 5, multi)).toBe(true);
    expect(pointInGeometry(15, 5, multi)).toBe(false);
  });

  it('measures area and distance to the boundary', () => {
    const g: DistrictGeometry = { type: 'Polygon', coordinates: [square] };
    expect(geometryArea(g)).toBe(100);
    expect(distanceToBoundary(5, 3, g)).toBeCloseTo(3);
  });

  it('puts the label point of a concave shape inside it', () => {
    const g: DistrictGeometry = { type: 'Polygon', coordinates: [cShape] };
    const [x, y] = labelPoint(g);
    expect(pointInGeometry(x, y, g)).toBe(true);
  });
});

describe('Liaocheng district boundaries', () => {
  it('has the 8 county-level districts with label points inside them', async () => {
    const districts = await loadDistrictBoundaries();
    expect(districts.map((d) => d.code)).toEqual(['371502', '371503', '371521', '371522', '371524', '371525', '371526', '371581']);
    for (const d of districts) {
      expect(pointInGeometry(d.label[0], d.label[1], d.geometry)).toBe(true);
      // 聊城 lies between about 115.2°–116.7° E and 35.7°–37.2° N.
      expect(d.label[0]).toBeGreaterThan(115.2);
      expect(d.label[0]).toBeLessThan(116.7);
      expect(d.label[1]).toBeGreaterThan(35.7);
      expect(d.label[1]).toBeLessThan(37.2);
    }
  });

  it('places the city centre (东昌府区) in 东昌府区 and not in its neighbours', async () => {
    const districts = await loadDistrictBoundaries();
    const inside = districts.filter((d) => pointInGeometry(115.985, 36.457, d.geometry)).map((d) => d.name);
    expect(inside).toEqual(['东昌府区']);
  });
});
