// `citybrain devices rotate [ids…] [--missing-broker-account]`: rotate device tokens on a running
// platform and print the new credentials as CSV (deviceId,token) on stdout — the only time they
// are shown. `--missing-broker-account` picks the devices whose account in the external broker
// has no password (registered before Mosquitto dynamic security was configured: the platform
// keeps only each token's hash), so they can connect once their new token is installed.

export interface RotateOptions {
  url: string;
  apiKey?: string;
  ids: readonly string[];
  missingBrokerAccount: boolean;
}

const PAGE = 1000;

/** Exit code: 0 all rotated, 1 a request failed, 2 nothing asked for. */
export async function rotateDeviceTokens(opts: RotateOptions, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const base = opts.url.replace(/\/$/, '');
  const headers: Record<string, string> = opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {};
  const call = async <T>(method: 'GET' | 'POST', path: string): Promise<T> => {
    const res = await fetch(`${base}${path}`, { method, headers });
    const text = await res.text();
    if (!res.ok) {
      const problem = (text.startsWith('{') ? JSON.parse(text) : {}) as { code?: string; detail?: string };
      throw new Error(`${method} ${path} → ${res.status} ${problem.code ?? ''}: ${problem.detail ?? text}`);
    }
    return JSON.parse(text) as T;
  };

  if (!opts.missingBrokerAccount && opts.ids.length === 0) {
    err('citybrain devices rotate: name the devices, or give --missing-broker-account');
    return 2;
  }
  const ids = new Set(opts.ids);
  if (opts.missingBrokerAccount) {
    // The whole list first: rotating takes a device off it, which would shift later pages.
    for (let offset = 0; ; offset += PAGE) {
      const page = await call<{ total: number; devices: Array<{ id: string }> }>('GET', `/api/iot/devices?brokerPasswordMissing=true&limit=${PAGE}&offset=${offset}`);
      for (const d of page.devices) ids.add(d.id);
      if (page.devices.length < PAGE) break;
    }
    if (ids.size === 0) {
      err('no device lacks a broker password: nothing to rotate');
      return 0;
    }
  }
  out('deviceId,token');
  let failed = 0;
  for (const id of ids) {
    try {
      const { token } = await call<{ token: string }>('POST', `/api/iot/devices/${encodeURIComponent(id)}/token`);
      out(`${id},${token}`);
    } catch (e) {
      failed++;
      err(`${id}: not rotated: ${(e as Error).message}`);
    }
  }
  err(`${ids.size - failed} device tokens rotated${failed > 0 ? `, ${failed} failed` : ''}; the old tokens no longer work — install the new ones on the devices`);
  return failed > 0 ? 1 : 0;
}
