// Plane geometry on longitude/latitude degrees, enough for placing points in a county: the
// districts are small, so treating degrees as a plane only bends distances, never containment.

export type Position = [number, number];
export type Ring = Position[];
export type PolygonCoordinates = Ring[];

export type DistrictGeometry =
  | { type: 'Polygon'; coordinates: PolygonCoordinates }
  | { type: 'MultiPolygon'; coordinates: PolygonCoordinates[] };

export interface BoundingBox {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

export function polygonsOf(geometry: DistrictGeometry): PolygonCoordinates[] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** Ray casting: does a horizontal ray from (x, y) cross the ring an odd number of times? */
export function pointInRing(x: number, y: number, ring: readonly Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as Position;
    const [xj, yj] = ring[j] as Position;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Inside the outer ring of one of the polygons and outside that polygon's holes. */
export function pointInGeometry(lon: number, lat: number, geometry: DistrictGeometry): boolean {
  for (const [outer, ...holes] of polygonsOf(geometry)) {
    if (outer && pointInRing(lon, lat, outer) && !holes.some((h) => pointInRing(lon, lat, h))) return true;
  }
  return false;
}

export function boundingBox(geometry: DistrictGeometry): BoundingBox {
  const box = { minLon: Infinity, minLat: Infinity, maxLon: -Infinity, maxLat: -Infinity };
  for (const polygon of polygonsOf(geometry)) {
    for (const [lon, lat] of polygon[0] ?? []) {
      box.minLon = Math.min(box.minLon, lon);
      box.maxLon = Math.max(box.maxLon, lon);
      box.minLat = Math.min(box.minLat, lat);
      box.maxLat = Math.max(box.maxLat, lat);
    }
  }
  return box;
}

function ringArea(ring: readonly Position[]): number {
  let twice = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as Position;
    const [xj, yj] = ring[j] as Position;
    twice += xj * yi - xi * yj;
  }
  return Math.abs(twice) / 2;
}

/** Area in square degrees (outer rings minus holes). */
export function geometryArea(geometry: DistrictGeometry): number {
  let area = 0;
  for (const [outer, ...holes] of polygonsOf(geometry)) {
    if (!outer) continue;
    area += ringArea(outer) - holes.reduce((s, h) => s + ringArea(h), 0);
  }
  return area;
}

function segmentDistance(x: number, y: number, a: Position, b: Position): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / len2));
  const px = a[0] + t * dx - x;
  const py = a[1] + t * dy - y;
  return Math.sqrt(px * px + py * py);
}

/** Distance from the point to the nearest boundary edge (any ring), in degrees. */
export function distanceToBoundary(lon: number, lat: number, geometry: DistrictGeometry): number {
  let best = Infinity;
  for (const polygon of polygonsOf(geometry)) {
    for (const ring of polygon) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        best = Math.min(best, segmentDistance(lon, lat, ring[j] as Position, ring[i] as Position));
      }
    }
  }
  return best;
}

/**
 * A point well inside the shape for a map label (an approximate pole of inaccessibility): the
 * inside point farthest from the boundary on a grid, refined on finer grids around the best.
 */
export function labelPoint(geometry: DistrictGeometry): Position {
  const box = boundingBox(geometry);
  let best: Position = [(box.minLon + box.maxLon) / 2, (box.minLat + box.maxLat) / 2];
  let bestDistance = pointInGeometry(best[0], best[1], geometry) ? distanceToBoundary(best[0], best[1], geometry) : -1;
  let half = Math.max(box.maxLon - box.minLon, box.maxLat - box.minLat) / 2;
  let center = best;
  for (let round = 0; round < 4; round++) {
    const steps = 16;
    for (let i = 0; i <= steps; i++) {
      for (let j = 0; j <= steps; j++) {
        const lon = center[0] - half + (2 * half * i) / steps;
        const lat = center[1] - half + (2 * half * j) / steps;
        if (!pointInGeometry(lon, lat, geometry)) continue;
        const d = distanceToBoundary(lon, lat, geometry);
        if (d > bestDistance) {
          bestDistance = d;
          best = [lon, lat];
        }
      }
    }
    center = best;
    half /= 4;
  }
  return [roundCoordinate(best[0]), roundCoordinate(best[1])];
}

/** Six decimals (about 0.1 m): what is stored, so containment is tested on the stored value. */
export function roundCoordinate(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
