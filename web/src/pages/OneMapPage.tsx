// /console/map 一张图: the layer catalogue beside the map. `?layers=a,b` chooses the layers shown at
// first and follows the switches, so a reload (or a shared link) shows the same layers.
import { Card, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RequireSignIn } from '../modules/identity/components/RequireSignIn.tsx';
import type { MapLayer } from '../modules/map/api/map-api.ts';
import { LayerCatalogue } from '../modules/map/components/LayerCatalogue.tsx';
import { OneMap } from '../modules/map/components/OneMap.tsx';
import { useLayers } from '../modules/map/hooks/use-layers.ts';

const DEFAULT_LAYERS = ['districts', 'events-open', 'alarms'];
/** The most layers a map shows at once (and the server resolves by id in one request). */
const MAX_SHOWN = 100;

function initialIds(): string[] {
  const param = new URLSearchParams(window.location.search).get('layers');
  return param !== null ? [...new Set(param.split(',').filter(Boolean))].slice(0, MAX_SHOWN) : DEFAULT_LAYERS;
}

function OneMapView() {
  const { t } = useTranslation();
  const [order, setOrder] = useState<string[]>(initialIds);
  const [known, setKnown] = useState<Record<string, MapLayer>>({});
  // The initially shown layers are looked up once by id (wherever they sit in a catalogue of
  // thousands); later ones come from the catalogue's switches.
  const [initialOrder] = useState(order);
  const initial = useLayers({ ids: initialOrder, limit: MAX_SHOWN, offset: 0 });
  const byId = useMemo(() => ({ ...Object.fromEntries((initial.data?.items ?? []).map((l) => [l.id, l])), ...known }), [initial.data, known]);
  const shown = useMemo(() => order.map((id) => byId[id]).filter((l): l is MapLayer => l !== undefined), [order, byId]);
  const enabled = useMemo(() => new Set(order), [order]);

  useEffect(() => {
    const url = new URL(window.location.href);
    url.searchParams.set('layers', order.join(','));
    window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  }, [order]);

  function toggle(layer: MapLayer, on: boolean) {
    setKnown((k) => ({ ...k, [layer.id]: layer }));
    setOrder((o) => (on ? [...o.filter((id) => id !== layer.id), layer.id].slice(-MAX_SHOWN) : o.filter((id) => id !== layer.id)));
  }

  return (
    <div style={{ display: 'flex', gap: 12, height: 'calc(100vh - 150px)', minHeight: 520 }}>
      <Card size="small" style={{ width: 320, flex: 'none', overflow: 'hidden' }} styles={{ body: { height: '100%' } }}>
        <LayerCatalogue enabled={enabled} shown={shown} onToggle={toggle} />
      </Card>
      <div style={{ flex: 1, display: 'flex', flexDirection: 'column', gap: 4 }}>
        <OneMap shown={shown} />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('oneMap.offline')}</Typography.Text>
      </div>
    </div>
  );
}

/** 一张图 one map. */
export function OneMapPage() {
  return <RequireSignIn>{() => <OneMapView />}</RequireSignIn>;
}
