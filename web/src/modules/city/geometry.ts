import type { MultiPolygon, Polygon, Position } from 'geojson';

export type Bounds = [west: number, south: number, east: number, north: number];

function rings(geometry: Polygon | MultiPolygon): Position[][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** The bounding box of many polygons. */
export function boundsOf(geometries: readonly (Polygon | MultiPolygon)[]): Bounds {
  const b: Bounds = [Infinity, Infinity, -Infinity, -Infinity];
  for (const g of geometries)
    for (const polygon of rings(g))
      for (const [x = 0, y = 0] of polygon[0] ?? []) {
        b[0] = Math.min(b[0], x);
        b[1] = Math.min(b[1], y);
        b[2] = Math.max(b[2], x);
        b[3] = Math.max(b[3], y);
      }
  return b;
}

function ringArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi = 0, yi = 0] = ring[i] ?? [];
    const [xj = 0, yj = 0] = ring[j] ?? [];
    sum += xj * yi - xi * yj;
  }
  return Math.abs(sum / 2);
}

function insideRing([x, y]: [number, number], ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi = 0, yi = 0] = ring[i] ?? [];
    const [xj = 0, yj = 0] = ring[j] ?? [];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function segmentDistance2(px: number, py: number, a: Position, b: Position, kx: number): number {
  const ax = (a[0] ?? 0) * kx;
  const ay = a[1] ?? 0;
  const dx = (b[0] ?? 0) * kx - ax;
  const dy = (b[1] ?? 0) - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  const ex = px - (ax + t * dx);
  const ey = py - (ay + t * dy);
  return ex * ex + ey * ey;
}

/** Distance from a point to the polygon's edges if inside (in degrees of latitude), else -1. */
function interiorDistance(point: [number, number], polygon: Position[][], kx: number): number {
  const [outer, ...holes] = polygon;
  if (!outer || !insideRing(point, outer) || holes.some((h) => insideRing(point, h))) return -1;
  let best = Infinity;
  for (const ring of polygon)
    for (let i = 0; i + 1 < ring.length; i++) best = Math.min(best, segmentDistance2(point[0] * kx, point[1], ring[i] ?? [], ring[i + 1] ?? [], kx));
  return Math.sqrt(best);
}

/**
 * A point well inside the largest part of a district, for its name label: a coarse-to-fine grid
 * search for the interior point farthest from the edges (a "pole of inaccessibility"), which
 * stays inside concave shapes where a centroid may not.
 */
export function labelPoint(geometry: Polygon | MultiPolygon): [number, number] {
  const polygon = rings(geometry).reduce<Position[][] | undefined>(
    (largest, p) => (!largest || ringArea(p[0] ?? []) > ringArea(largest[0] ?? []) ? p : largest),
    undefined,
  );
  if (!polygon) return [0, 0];
  const [west, south, east, north] = boundsOf([{ type: 'Polygon', coordinates: polygon }]);
  const kx = Math.cos((((south + north) / 2) * Math.PI) / 180);
  let best: [number, number] = [(west + east) / 2, (south + north) / 2];
  let bestDistance = interiorDistance(best, polygon, kx);
  let cellW = (east - west) / 16;
  let cellH = (north - south) / 16;
  let [cx, cy] = best;
  for (let round = 0; round < 3; round++) {
    for (let i = -8; i <= 8; i++)
      for (let j = -8; j <= 8; j++) {
        const p: [number, number] = [cx + i * cellW, cy + j * cellH];
        const d = interiorDistance(p, polygon, kx);
        if (d > bestDistance) {
          best = p;
          bestDistance = d;
        }
      }
    [cx, cy] = best;
    cellW /= 6;
    cellH /= 6;
  }
  return best;
}
