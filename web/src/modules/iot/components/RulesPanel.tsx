// 规则 alarm rules: threshold, rate of change or offline, for one device or a device type;
// created, edited and switched off in the console.
import { Alert, Button, Form, Input, InputNumber, Modal, Popconfirm, Radio, Select, Space, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../../../app/ErrorResult.tsx';
import { useLanguage } from '../../../app/i18n.ts';
import { createRule, deleteRule, updateRule, type DeviceType, type Operator, type Rule, type RuleInput, type RuleKind, type Severity } from '../api/iot-api.ts';
import { useRules } from '../hooks/use-iot.ts';
import { problemText } from './DeviceForms.tsx';

const SEVERITIES: Severity[] = ['critical', 'major', 'minor', 'warning'];
const OPERATORS: Operator[] = ['>', '>=', '<', '<='];

interface RuleForm {
  name: string;
  scope: 'device' | 'type';
  deviceId?: string;
  typeId?: string;
  kind: RuleKind;
  attribute?: string;
  operator?: Operator;
  threshold?: number;
  offlineSeconds?: number;
  severity: Severity;
}

function RuleModal({ rule, types, deviceId, onClose, onSaved }: { rule: Rule | null; types: readonly DeviceType[]; deviceId?: string; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const [form] = Form.useForm<RuleForm>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const kind = Form.useWatch('kind', form) ?? rule?.kind ?? 'threshold';
  const scope = Form.useWatch('scope', form) ?? (rule?.typeId ? 'type' : 'device');
  const typeId = Form.useWatch('typeId', form);
  const attributes = (types.find((x) => x.id === (typeId ?? rule?.typeId))?.attributes ?? types.flatMap((x) => x.attributes)).map((a) => a.name);

  async function save(v: RuleForm) {
    setBusy(true);
    setProblem(null);
    try {
      if (rule) {
        await updateRule(rule.id, {
          name: v.name,
          severity: v.severity,
          ...(rule.kind === 'offline' ? { offlineSeconds: v.offlineSeconds } : { operator: v.operator, threshold: v.threshold }),
        });
      } else {
        const input: RuleInput = {
          name: v.name,
          kind: v.kind,
          severity: v.severity,
          enabled: true,
          ...(v.scope === 'device' ? { deviceId: v.deviceId } : { typeId: v.typeId }),
          ...(v.kind === 'offline' ? { offlineSeconds: v.offlineSeconds } : { attribute: v.attribute, operator: v.operator, threshold: v.threshold }),
        };
        await createRule(input);
      }
      onSaved();
      onClose();
    } catch (err) {
      setProblem(problemText(err));
    } finally {
      setBusy(false);
    }
  }

  const initial: Partial<RuleForm> = rule
    ? { name: rule.name, scope: rule.typeId ? 'type' : 'device', kind: rule.kind, operator: rule.operator ?? '>', threshold: rule.threshold ?? 0, offlineSeconds: rule.offlineSeconds ?? 600, severity: rule.severity }
    : { scope: 'device', deviceId, kind: 'threshold', operator: '>', severity: 'major', offlineSeconds: 600 };
  return (
    <Modal open title={rule ? t('iot.rule.edit') : t('iot.rule.create')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okText={t('iot.rule.save')}>
      <Form form={form} layout="vertical" initialValues={initial} onFinish={(v) => void save(v)} data-testid="rule-form">
        <Form.Item name="name" label={t('iot.rule.name')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        {rule ? null : (
          <>
            <Form.Item name="scope" label={t('iot.rule.scope')}>
              <Radio.Group options={[{ value: 'device', label: t('iot.rule.oneDevice') }, { value: 'type', label: t('iot.rule.deviceType') }]} />
            </Form.Item>
            {scope === 'device' ? (
              <Form.Item name="deviceId" label={t('iot.col.id')} rules={[{ required: true }]}>
                <Input />
              </Form.Item>
            ) : (
              <Form.Item name="typeId" label={t('iot.col.type')} rules={[{ required: true }]}>
                <Select options={types.map((x) => ({ value: x.id, label: language === 'en' ? x.nameEn : x.nameZh }))} />
              </Form.Item>
            )}
            <Form.Item name="kind" label={t('iot.rule.kind')}>
              <Radio.Group options={(['threshold', 'rate', 'offline'] as const).map((k) => ({ value: k, label: t(`iot.rule.kinds.${k}`) }))} />
            </Form.Item>
            {kind !== 'offline' ? (
              <Form.Item name="attribute" label={t('iot.rule.attribute')} rules={[{ required: true }]}>
                <Select showSearch options={[...new Set(attributes)].map((a) => ({ value: a, label: a }))} />
              </Form.Item>
            ) : null}
          </>
        )}
        {kind === 'offline' ? (
          <Form.Item name="offlineSeconds" label={t('iot.rule.offlineSeconds')} rules={[{ required: true }]}>
            <InputNumber min={10} max={2_592_000} />
          </Form.Item>
        ) : (
          <Space>
            <Form.Item name="operator" label={t('iot.rule.operator')} rules={[{ required: true }]}>
              <Select style={{ width: 90 }} options={OPERATORS.map((o) => ({ value: o, label: o }))} />
            </Form.Item>
            <Form.Item name="threshold" label={kind === 'rate' ? t('iot.rule.ratePerMinute') : t('iot.rule.threshold')} rules={[{ required: true }]}>
              <InputNumber style={{ width: 160 }} />
            </Form.Item>
          </Space>
        )}
        <Form.Item name="severity" label={t('iot.alarm.severity')}>
          <Select options={SEVERITIES.map((s) => ({ value: s, label: t(`iot.severity.${s}`) }))} />
        </Form.Item>
        {problem ? <Alert type="error" showIcon title={problem} /> : null}
      </Form>
    </Modal>
  );
}

/** Rules, all or those that apply to one device (its own and its type's). */
export function RulesPanel({ types, device }: { types: readonly DeviceType[]; device?: { id: string; typeId: string } }) {
  const { t } = useTranslation();
  const { data, error, reload } = useRules();
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  if (error !== undefined && !data) return <ErrorResult error={error} onRetry={reload} compact />;
  const rules = (data ?? []).filter((r) => !device || r.deviceId === device.id || r.typeId === device.typeId);
  const describe = (r: Rule) => (r.kind === 'offline' ? t('iot.rule.offlineFor', { seconds: r.offlineSeconds }) : `${r.attribute} ${r.kind === 'rate' ? t('iot.rule.ratePrefix') : ''}${r.operator} ${r.threshold}`);
  async function toggle(r: Rule, enabled: boolean) {
    setProblem(null);
    try {
      await updateRule(r.id, { enabled });
    } catch (err) {
      setProblem(problemText(err));
    }
    reload();
  }
  async function remove(r: Rule) {
    setProblem(null);
    try {
      await deleteRule(r.id);
    } catch (err) {
      setProblem(problemText(err));
    }
    reload();
  }
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Button type="primary" onClick={() => setEditing('new')} data-testid="rule-new">
        {t('iot.rule.create')}
      </Button>
      {problem ? <Alert type="error" showIcon title={problem} /> : null}
      <Table<Rule>
        rowKey="id"
        size="small"
        loading={!data}
        dataSource={rules}
        data-testid="rules-table"
        pagination={{ pageSize: 15, showSizeChanger: false }}
        columns={[
          { title: t('iot.rule.name'), dataIndex: 'name' },
          { title: t('iot.rule.scope'), render: (_: unknown, r: Rule) => (r.deviceId ? <Tag>{r.deviceId}</Tag> : <Tag color="blue">{r.typeId}</Tag>) },
          { title: t('iot.rule.condition'), render: (_: unknown, r: Rule) => describe(r) },
          { title: t('iot.alarm.severity'), dataIndex: 'severity', render: (s: Severity) => t(`iot.severity.${s}`) },
          { title: t('iot.rule.enabled'), render: (_: unknown, r: Rule) => <Switch size="small" checked={r.enabled} onChange={(v) => void toggle(r, v)} /> },
          {
            title: t('iot.alarm.actions'),
            render: (_: unknown, r: Rule) => (
              <Space size={4}>
                <Button size="small" onClick={() => setEditing(r)}>
                  {t('iot.rule.edit')}
                </Button>
                <Popconfirm title={t('iot.rule.deleteConfirm', { name: r.name })} okButtonProps={{ danger: true }} onConfirm={() => void remove(r)}>
                  <Button size="small" danger>
                    {t('iot.rule.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {editing ? <RuleModal rule={editing === 'new' ? null : editing} types={types} {...(device ? { deviceId: device.id } : {})} onClose={() => setEditing(null)} onSaved={reload} /> : null}
    </Space>
  );
}
