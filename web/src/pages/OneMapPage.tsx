// /console/map 一张图: the layer catalogue beside the map. `?layers=a,b` chooses the layers shown at first.
import { Card, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RequireSignIn } from '../modules/identity/components/RequireSignIn.tsx';
import type { MapLayer } from '../modules/map/api/map-api.ts';
import { LayerCatalogue } from '../modules/map/components/LayerCatalogue.tsx';
import { OneMap } from '../modules/map/components/OneMap.tsx';
import { useLayers } from '../modules/map/hooks/use-layers.ts';

const DEFAULT_LAYERS = ['districts', 'events-open', 'alarms'];

function initialIds(): string[] {
  const param = new URLSearchParams(window.location.search).get('layers');
  return param ? param.split(',').filter(Boolean) : DEFAULT_LAYERS;
}

function OneMapView() {
  const { t } = useTranslation();
  const [order, setOrder] = useState<string[]>(initialIds);
  const [known, setKnown] = useState<Record<string, MapLayer>>({});
  // The initially shown layers are looked up once; later ones come from the catalogue's switches.
  const initial = useLayers({ limit: 500, offset: 0 });
  const byId = useMemo(() => ({ ...Object.fromEntries((initial.data?.items ?? []).map((l) => [l.id, l])), ...known }), [initial.data, known]);
  const shown = useMemo(() => order.map((id) => byId[id]).filter((l): l is MapLayer => l !== undefined), [order, byId]);
  const enabled = useMemo(() => new Set(order), [order]);

  function toggle(layer: MapLayer, on: boolean) {
    setKnown((k) => ({ ...k, [layer.id]: layer }));
    setOrder((o) => (on ? [...o.filter((id) => id !== layer.id), layer.id] : o.filter((id) => id !== layer.id)));
  }

  return (
    <div style={{ display: 'flex', gap: 12, height: 'calc(100vh - 150px)', minHeight: 520 }}>
      <Card size="small" style={{ width: 320, flex: 'none', overflow: 'hidden' }} styles={{ body: { height: '100%' } }}>
        <LayerCatalogue enabled={enabled} onToggle={toggle} />
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
