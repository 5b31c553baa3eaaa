// 事件录入 a manual, 12345 hotline or grid-worker event entered at the dispatcher desk: the place is
// picked on the map, or chosen by district and grid (the grid's centre point). The event is routed
// and dispatched at once; the answer names the unit it went to.
import { Alert, App, Button, Card, Col, Form, Input, Radio, Row, Select, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/api.ts';
import { createEvent, type EventDetail, type NewEvent, type Severity } from '../api/events-api.ts';
import { useCategories, usePlaces } from '../hooks/use-events.ts';
import { PlacePicker } from './PlacePicker.tsx';

interface Values {
  title: string;
  description?: string;
  categoryCode: string;
  severity: Severity;
  source: NewEvent['source'];
  sourceRef?: string;
  address?: string;
}

export function EventEntryForm({ onCreated }: { onCreated?: (e: EventDetail) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const categories = useCategories().data ?? [];
  const places = usePlaces().data;
  const [mode, setMode] = useState<'map' | 'grid'>('map');
  const [point, setPoint] = useState<{ lon: number; lat: number } | null>(null);
  const [district, setDistrict] = useState<string>();
  const [grid, setGrid] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<EventDetail | null>(null);

  const grids = useMemo(() => (places?.grids ?? []).filter((g) => g.districtCode === district), [places, district]);
  const place = mode === 'map' ? point : (() => {
    const g = grids.find((x) => x.code === grid);
    return g ? { lon: g.lon, lat: g.lat } : null;
  })();

  async function submit(values: Values) {
    if (!place) {
      void message.error(t('events.entry.noPlace'));
      return;
    }
    setBusy(true);
    try {
      const e = await createEvent({
        title: values.title, categoryCode: values.categoryCode, severity: values.severity, source: values.source, lon: place.lon, lat: place.lat,
        ...(values.description ? { description: values.description } : {}), ...(values.sourceRef ? { sourceRef: values.sourceRef } : {}), ...(values.address ? { address: values.address } : {}),
      });
      setCreated(e);
      form.resetFields(['title', 'description', 'sourceRef', 'address']);
      onCreated?.(e);
    } catch (err) {
      void message.error(err instanceof ApiError ? (err.detail ?? err.title) : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card data-testid="event-entry">
      {created && (
        <Alert type="success" showIcon closable style={{ marginBottom: 12 }} data-testid="event-entry-created" data-id={created.id}
          title={t('events.entry.created', { id: created.id, department: created.departmentName ?? '—' })} onClose={() => setCreated(null)} />
      )}
      <Row gutter={16}>
        <Col xs={24} lg={11}>
          <Form<Values> form={form} layout="vertical" onFinish={(v) => void submit(v)} initialValues={{ severity: 'normal', source: 'hotline' }}>
            <Form.Item name="source" label={t('events.entry.source')}>
              <Radio.Group optionType="button" options={(['hotline', 'grid_worker', 'manual'] as const).map((s) => ({ value: s, label: t(`events.source.${s}`) }))} />
            </Form.Item>
            <Form.Item name="title" label={t('events.entry.title')} rules={[{ required: true, max: 200 }]}>
              <Input data-testid="entry-title" />
            </Form.Item>
            <Form.Item name="categoryCode" label={t('events.entry.category')} rules={[{ required: true }]}>
              <Select data-testid="entry-category" showSearch optionFilterProp="label"
                options={categories.filter((c) => c.active && c.parentCode !== null).map((c) => ({ value: c.code, label: `${c.name}（${c.code}）` }))} />
            </Form.Item>
            <Form.Item name="severity" label={t('events.entry.severity')}>
              <Radio.Group options={(['normal', 'major', 'urgent'] as const).map((s) => ({ value: s, label: t(`events.severity.${s}`) }))} />
            </Form.Item>
            <Form.Item name="sourceRef" label={t('events.entry.sourceRef')} rules={[{ max: 200 }]}>
              <Input />
            </Form.Item>
            <Form.Item name="address" label={t('events.entry.address')} rules={[{ max: 300 }]}>
              <Input />
            </Form.Item>
            <Form.Item name="description" label={t('events.entry.description')} rules={[{ max: 4000 }]}>
              <Input.TextArea rows={3} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="entry-submit">{t('events.entry.submit')}</Button>
          </Form>
        </Col>
        <Col xs={24} lg={13}>
          <Typography.Text strong>{t('events.entry.place')}</Typography.Text>
          <div style={{ margin: '8px 0' }}>
            <Radio.Group optionType="button" value={mode} onChange={(e) => setMode(e.target.value as 'map' | 'grid')}
              options={[{ value: 'map', label: t('events.entry.byMap') }, { value: 'grid', label: t('events.entry.byGrid') }]} />
          </div>
          {mode === 'map' ? (
            <PlacePicker value={point} onPick={setPoint} />
          ) : (
            <Row gutter={8}>
              <Col span={10}>
                <Select data-testid="entry-district" style={{ width: '100%' }} placeholder={t('events.entry.district')} value={district} showSearch optionFilterProp="label"
                  onChange={(v: string) => { setDistrict(v); setGrid(undefined); }} options={(places?.districts ?? []).map((d) => ({ value: d.code, label: d.name }))} />
              </Col>
              <Col span={14}>
                <Select data-testid="entry-grid" style={{ width: '100%' }} placeholder={t('events.entry.grid')} value={grid} showSearch optionFilterProp="label" disabled={!district}
                  onChange={setGrid} options={grids.map((g) => ({ value: g.code, label: `${g.name}（${g.code}）` }))} />
              </Col>
            </Row>
          )}
          <Typography.Text type={place ? 'secondary' : 'warning'} data-testid="entry-place" style={{ display: 'block', marginTop: 8 }}>
            {place ? t('events.entry.picked', { lon: place.lon.toFixed(5), lat: place.lat.toFixed(5) }) : mode === 'map' ? t('events.entry.pickOnMap') : t('events.entry.noPlace')}
          </Typography.Text>
        </Col>
      </Row>
    </Card>
  );
}
