import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, Col, Divider, Drawer, Form, Input, Row, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/api.ts';
import { ErrorResult } from '../../../app/ErrorResult.tsx';
import { createResource, updateResource, type Resource, type ResourceInput } from '../api/catalog-api.ts';

const TYPES = ['string', 'integer', 'decimal', 'boolean', 'date', 'datetime', 'resident_id', 'uscc', 'division_code'] as const;
const SENSITIVITIES = ['public', 'internal', 'sensitive', 'confidential'] as const;
const FORMATS = ['database', 'spreadsheet', 'document', 'image', 'stream', 'api'] as const;
const CYCLES = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular'] as const;
const CLASSES = ['base', 'theme', 'topic', 'business'] as const;
const SHARE = ['unconditional', 'conditional', 'none'] as const;

/** `/body/dataItems/3/name` → ['dataItems', 3, 'name'], the form field the server names. */
function formPath(field: string): Array<string | number> | null {
  if (!field.startsWith('/body/')) return null;
  const parts = field.slice('/body/'.length).split('/').filter(Boolean);
  return parts.length ? parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : null;
}

function toInitial(r: Resource | undefined): Partial<ResourceInput> {
  if (!r) {
    return {
      format: 'database',
      updateCycle: 'daily',
      libraryClass: 'theme',
      sharing: { type: 'conditional' },
      open: { type: 'none' },
      dataItems: [{ name: '', title: '', type: 'string', sensitivity: 'internal', key: true }],
    };
  }
  const { code: _c, version: _v, createdAt: _a, updatedAt: _u, updatedBy: _b, backingTable: _t, publishDate, library, ...rest } = r;
  return { ...rest, ...(publishDate ? { publishDate } : {}), ...(library ? { library } : {}) };
}

/** Drop empty optional strings so the server sees them as absent, not as empty. */
function clean(v: ResourceInput): ResourceInput {
  const opt = (s: string | undefined) => (s?.trim() ? s.trim() : undefined);
  return {
    ...v,
    classification: { category: v.classification.category, ...(opt(v.classification.item) ? { item: opt(v.classification.item) } : {}), ...(opt(v.classification.heading) ? { heading: opt(v.classification.heading) } : {}), ...(opt(v.classification.subheading) ? { subheading: opt(v.classification.subheading) } : {}) },
    sharing: { type: v.sharing.type, ...(opt(v.sharing.conditions) ? { conditions: opt(v.sharing.conditions) } : {}), ...(opt(v.sharing.method) ? { method: opt(v.sharing.method) } : {}) },
    open: { type: v.open.type, ...(opt(v.open.conditions) ? { conditions: opt(v.open.conditions) } : {}) },
    dataItems: v.dataItems.map((i) => ({ name: i.name, title: i.title, type: i.type, sensitivity: i.sensitivity, ...(i.key ? { key: true } : {}), ...(i.required ? { required: true } : {}), ...(opt(i.element) ? { element: opt(i.element) } : {}), ...(opt(i.source) ? { source: opt(i.source) } : {}) })),
    ...(opt(v.publishDate) ? { publishDate: opt(v.publishDate) } : { publishDate: undefined }),
    ...(opt(v.library) ? { library: opt(v.library) } : { library: undefined }),
    related: v.related ?? [],
  };
}

/** 资源编目 create or edit a resource with every national catalog field; the server's rule failures land on the field they name. */
export function ResourceForm({ resource, onClose, onSaved }: { resource?: Resource; onClose: () => void; onSaved: (r: Resource) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ResourceInput>();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<unknown>(undefined);
  const required = { required: true, message: t('catalog.form.required') };
  const label = (k: string) => t(k as 'catalog.title');
  const opts = (values: readonly string[], prefix: string) => values.map((v) => ({ value: v, label: label(`${prefix}.${v}`) }));

  const save = (values: ResourceInput) => {
    setSaving(true);
    setFailure(undefined);
    const input = clean(values);
    const request = resource ? updateResource(resource.code, { ...input, code: undefined, version: resource.version }) : createResource(input);
    request.then(
      (r) => {
        setSaving(false);
        void message.success(t('catalog.form.saved', { v: r.version }));
        onSaved(r);
      },
      (e: unknown) => {
        setSaving(false);
        // The field the server names, or the nearest enclosing one the form has (related/0 → related).
        const path = e instanceof ApiError && e.field ? formPath(e.field) : null;
        let target: Array<string | number> | null = null;
        for (let n = path?.length ?? 0; n > 0 && target === null; n--) if (path && form.getFieldInstance(path.slice(0, n)) !== undefined) target = path.slice(0, n);
        if (path?.[0] === 'dataItems' && typeof path[1] === 'number' && (target?.length ?? 0) < 3) target = ['dataItems', path[1], 'name'];
        if (target && e instanceof ApiError) form.setFields([{ name: target as never, errors: [e.detail ?? e.title] }]);
        else setFailure(e);
      },
    );
  };

  return (
    <Drawer
      open
      width={980}
      onClose={onClose}
      title={resource ? `${t('catalog.form.edit')} · ${resource.name}（v${resource.version}）` : t('catalog.form.create')}
      extra={
        <Space>
          <Button onClick={onClose}>{t('catalog.form.cancel')}</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="resource-save">
            {t('catalog.form.save')}
          </Button>
        </Space>
      }
    >
      {failure !== undefined && <ErrorResult error={failure} compact />}
      <Form<ResourceInput> form={form} layout="vertical" initialValues={toInitial(resource)} onFinish={save} data-testid="resource-form" scrollToFirstError>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="code" label={t('catalog.code')} rules={resource ? [] : [required, { pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/, message: t('catalog.form.codePattern') }]}>
              <Input disabled={Boolean(resource)} placeholder={resource?.code ?? '371500-ZT-XX-0001'} />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item name="name" label={t('catalog.name')} rules={[required]}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          {(['category', 'item', 'heading', 'subheading'] as const).map((k) => (
            <Col span={6} key={k}>
              <Form.Item name={['classification', k]} label={t(`catalog.form.${k}`)} rules={k === 'category' ? [required] : []}>
                <Input maxLength={100} />
              </Form.Item>
            </Col>
          ))}
          <Col span={8}>
            <Form.Item name="department" label={t('catalog.department')} rules={[required]}>
              <Input maxLength={100} placeholder="市水利局" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="libraryClass" label={t('catalog.libraryClass')} rules={[required]}>
              <Select options={opts(CLASSES, 'catalog.classValue')} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="library" label={t('catalog.library')} rules={[{ pattern: /^[a-z][a-z0-9_]{0,40}$/, message: t('catalog.form.namePattern') }]}>
              <Input placeholder="population / water / …" />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="abstract" label={t('catalog.abstract')} rules={[required]}>
              <Input.TextArea rows={2} maxLength={4000} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="format" label={t('catalog.format')} rules={[required]}>
              <Select options={opts(FORMATS, 'catalog.form.formatValue')} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="updateCycle" label={t('catalog.updateCycle')} rules={[required]}>
              <Select options={opts(CYCLES, 'catalog.form.cycleValue')} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="publishDate" label={t('catalog.publishDate')} rules={[{ pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('catalog.form.datePattern') }]}>
              <Input placeholder="2026-03-01" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="related" label={t('catalog.related')} tooltip={t('catalog.form.relatedHint')}>
              <Select mode="tags" tokenSeparators={[',', ' ']} open={false} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name={['sharing', 'type']} label={t('catalog.sharingType')} rules={[required]}>
              <Select options={opts(SHARE, 'catalog.sharingValue')} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name={['sharing', 'conditions']}
              label={`${t('catalog.sharingType')} · ${t('catalog.conditions')}`}
              dependencies={[['sharing', 'type']]}
              rules={[({ getFieldValue }) => ({ validator: (_, v?: string) => (getFieldValue(['sharing', 'type']) !== 'unconditional' && !v?.trim() ? Promise.reject(new Error(t('catalog.form.conditionsNeeded'))) : Promise.resolve()) })]}
            >
              <Input maxLength={1000} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name={['sharing', 'method']} label={t('catalog.method')}>
              <Input maxLength={200} placeholder="接口 / 库表 / 文件" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item
              name={['open', 'type']}
              label={t('catalog.openType')}
              dependencies={[['sharing', 'type']]}
              rules={[required, ({ getFieldValue }) => ({ validator: (_, v?: string) => (getFieldValue(['sharing', 'type']) === 'none' && v !== 'none' ? Promise.reject(new Error(t('catalog.form.openNotShared'))) : Promise.resolve()) })]}
            >
              <Select options={opts(SHARE, 'catalog.openValue')} />
            </Form.Item>
          </Col>
          <Col span={18}>
            <Form.Item
              name={['open', 'conditions']}
              label={`${t('catalog.openType')} · ${t('catalog.conditions')}`}
              dependencies={[['open', 'type']]}
              rules={[({ getFieldValue }) => ({ validator: (_, v?: string) => (getFieldValue(['open', 'type']) === 'conditional' && !v?.trim() ? Promise.reject(new Error(t('catalog.form.openConditionsNeeded'))) : Promise.resolve()) })]}
            >
              <Input maxLength={1000} />
            </Form.Item>
          </Col>
        </Row>
        <Divider titlePlacement="start">{t('catalog.tabItems')}</Divider>
        <Form.List name="dataItems">
          {(fields, { add, remove }) => (
            <>
              {fields.map(({ key, name }) => (
                <Space key={key} align="start" wrap style={{ display: 'flex', marginBottom: 4 }} data-testid="data-item">
                  <Form.Item name={[name, 'title']} rules={[required]} style={{ width: 160 }}>
                    <Input placeholder={t('catalog.itemTitle')} />
                  </Form.Item>
                  <Form.Item name={[name, 'name']} rules={[required, { pattern: /^[a-z][a-z0-9_]{0,62}$/, message: t('catalog.form.namePattern') }]} style={{ width: 150 }}>
                    <Input placeholder={t('catalog.itemName')} />
                  </Form.Item>
                  <Form.Item name={[name, 'type']} rules={[required]} style={{ width: 130 }}>
                    <Select options={TYPES.map((v) => ({ value: v, label: v }))} />
                  </Form.Item>
                  <Form.Item name={[name, 'sensitivity']} rules={[required]} style={{ width: 110 }}>
                    <Select options={opts(SENSITIVITIES, 'catalog.form.sensitivityValue')} />
                  </Form.Item>
                  <Form.Item name={[name, 'key']} valuePropName="checked">
                    <Checkbox>{t('catalog.key')}</Checkbox>
                  </Form.Item>
                  <Form.Item name={[name, 'required']} valuePropName="checked">
                    <Checkbox>{t('catalog.required')}</Checkbox>
                  </Form.Item>
                  <Form.Item name={[name, 'element']} style={{ width: 100 }}>
                    <Input placeholder={t('catalog.element')} />
                  </Form.Item>
                  <Form.Item name={[name, 'source']} style={{ width: 150 }}>
                    <Input placeholder={t('catalog.source')} />
                  </Form.Item>
                  {fields.length > 1 && <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(name)} aria-label={t('catalog.form.removeItem')} />}
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ type: 'string', sensitivity: 'internal' })} data-testid="add-item">
                {t('catalog.form.addItem')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
    </Drawer>
  );
}
