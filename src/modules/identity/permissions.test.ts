import { describe, expect, it } from 'vitest';
import { permissionMatches } from './permissions.ts';

describe('permission patterns', () => {
  it('match exactly, by segment wildcard and by trailing wildcard', () => {
    expect(permissionMatches('iot.device.write', 'iot.device.write')).toBe(true);
    expect(permissionMatches('city.*.read', 'city.resident.read')).toBe(true);
    expect(permissionMatches('city.*.read', 'city.resident.write')).toBe(false);
    expect(permissionMatches('catalog.*', 'catalog.dataset.read')).toBe(true);
    expect(permissionMatches('catalog.*', 'catalogue.dataset.read')).toBe(false);
    expect(permissionMatches('identity.role.*', 'identity.account.write')).toBe(false);
    expect(permissionMatches('audit.log.read', 'audit.log')).toBe(false);
  });
});
