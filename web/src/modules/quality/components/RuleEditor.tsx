// The rule editor: kind, data item and the parameters that kind takes; the server checks the rule
// against the resource and answers which field is wrong, shown under the form.
import { Alert, Form, Input, InputNumber, Modal, Select, Switch } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/api.ts';
import type { DataItem } from '../../catalog/api/catalog-api.ts';
import { createRule, RULE_KINDS, updateRule, type Rule, type RuleDraft, type RuleKind } from '../api/quality-api.ts';

interface FormValues {
  name: string;
  kind: RuleKind;
  field?: string;
  pattern?: string;
  min?: string;
  max?: string;
  values?: string[];
  resource?: string;
  target?: string;
  maxAgeHours?: number;
  schedule?: string;
  enabled: boolean;
}

const NO_FIELD: RuleKind[] = ['row_count'];
const OPTIONAL_FIELD: RuleKind[] = ['freshness'];

function draftOf(v: FormValues): RuleDraft {
  const params: RuleDraft['params'] = {};
  const bound = (x: string | undefined) => (x === undefined || x.trim() === '' ? undefined : /^-?\d+(\.\d+)?$/.test(x.trim()) ? Number(x) : x.trim());
  if (v.kind === 'regex') params.pattern = v.pattern;
  if (v.kind === 'range' || v.kind === 'row_count') {
    const min = bound(v.min);
    const max = bound(v.max);
    if (min !== undefined) params.min = min;
    if (max !== undefined) params.max = max;
  }
  if (v.kind === 'in_set') params.values = v.values;
  if (v.kind === 'consistency') {
    params.resource = v.resource;
    params.target = v.target;
  }
  if (v.kind === 'freshness' && v.maxAgeHours) params.maxAgeHours = v.maxAgeHours;
  return { name: v.name, kind: v.kind, field: NO_FIELD.includes(v.kind) ? null : (v.field ?? null), params, ...(v.schedule ? { schedule: v.schedule } : {}), enabled: v.enabled };
}

export function RuleEditor({ code, items, rule, onClose, onSaved }: { code: string; items: DataItem[]; rule: Rule | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<FormValues>();
  const [failure, setFailure] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const kind = Form.useWatch('kind', form) ?? rule?.kind ?? 'not_null';
  const initial: FormValues = rule
    ? {
        name: rule.name, kind: rule.kind, field: rule.field ?? undefined, pattern: rule.params.pattern, min: rule.params.min === undefined ? undefined : String(rule.params.min),
        max: rule.params.max === undefined ? undefined : String(rule.params.max), values: rule.params.values, resource: rule.params.resource, target: rule.params.target,
        maxAgeHours: rule.params.maxAgeHours, schedule: rule.schedule, enabled: rule.enabled,
      }
    : { name: '', kind: 'not_null', enabled: true };

  const save = async () => {
    const values = await form.validateFields();
    setSaving(true);
    setFailure(undefined);
    try {
      const draft = draftOf(values);
      if (rule) await updateRule(rule.id, draft);
      else await createRule(code, draft);
      onSaved();
    } catch (e) {
      // The server names the wrong field in its message (params.min, data item …).
      setFailure(e instanceof ApiError ? (e.detail ?? e.title) : String(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal open title={rule ? t('quality.editRule') : t('quality.addRule')} onCancel={onClose} onOk={() => void save()} okText={t('quality.save')} cancelText={t('quality.cancel')} confirmLoading={saving} destroyOnHidden width={560}>
      <Form form={form} layout="vertical" initialValues={initial} data-testid="rule-editor">
        <Form.Item name="name" label={t('quality.name')} rules={[{ required: true, max: 200 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="kind" label={t('quality.kind')} rules={[{ required: true }]}>
          <Select options={RULE_KINDS.map((k) => ({ value: k, label: t(`quality.kindValue.${k}`) }))} />
        </Form.Item>
        {!NO_FIELD.includes(kind) && (
          <Form.Item name="field" label={t('quality.field')} rules={[{ required: !OPTIONAL_FIELD.includes(kind) }]}>
            <Select allowClear options={items.map((i) => ({ value: i.name, label: `${i.title}（${i.name} · ${i.type}）` }))} />
          </Form.Item>
        )}
        {kind === 'regex' && (
          <Form.Item name="pattern" label={t('quality.pattern')} rules={[{ required: true }]}>
            <Input placeholder="[A-Z]{2}[0-9]{6}" />
          </Form.Item>
        )}
        {(kind === 'range' || kind === 'row_count') && (
          <>
            <Form.Item name="min" label={t('quality.min')}>
              <Input />
            </Form.Item>
            <Form.Item name="max" label={t('quality.max')}>
              <Input />
            </Form.Item>
          </>
        )}
        {kind === 'in_set' && (
          <Form.Item name="values" label={t('quality.values')} rules={[{ required: true }]}>
            <Select mode="tags" open={false} />
          </Form.Item>
        )}
        {kind === 'consistency' && (
          <>
            <Form.Item name="resource" label={t('quality.targetResource')} rules={[{ required: true }]}>
              <Input placeholder="371500-JC-RK-0001" />
            </Form.Item>
            <Form.Item name="target" label={t('quality.targetField')} rules={[{ required: true }]}>
              <Input placeholder="id_number" />
            </Form.Item>
          </>
        )}
        {kind === 'freshness' && (
          <Form.Item name="maxAgeHours" label={t('quality.maxAgeHours')}>
            <InputNumber min={1} style={{ width: '100%' }} />
          </Form.Item>
        )}
        <Form.Item name="schedule" label={t('quality.schedule')}>
          <Input placeholder="0 2 * * *" />
        </Form.Item>
        <Form.Item name="enabled" label={t('quality.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
      {failure && <Alert type="error" showIcon message={failure} />}
    </Modal>
  );
}
