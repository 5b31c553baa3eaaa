// 设备注册 registering devices in the console: one by form, many from a CSV / XLSX file (each bad
// row reported), and the credential shown once after registration or rotation.
import { Alert, App, Button, Form, Input, InputNumber, Modal, Select, Space, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/api.ts';
import { useLanguage } from '../../../app/i18n.ts';
import {
  bulkRegister,
  registerDevice,
  updateDevice,
  type AccessTier,
  type BulkResult,
  type Device,
  type DeviceInput,
  type DevicePatch,
  type DeviceType,
  type DeviceWithToken,
} from '../api/iot-api.ts';

export const problemText = (err: unknown): string => (err instanceof ApiError ? `${err.detail ?? err.title}${err.code ? ` (${err.code})` : ''}` : String(err));

/** The device credential, shown once: MQTT user name = id, password = token. */
export function TokenOnce({ result }: { result: DeviceWithToken }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="success"
      showIcon
      title={t('iot.token.shownOnce', { id: result.device.id })}
      description={
        <Space orientation="vertical">
          <Typography.Text>{t('iot.token.how')}</Typography.Text>
          <Typography.Text code copyable data-testid="device-token">
            {result.token}
          </Typography.Text>
        </Space>
      }
    />
  );
}

export function RegisterDeviceModal({ types, onClose, onRegistered }: { types: readonly DeviceType[]; onClose: () => void; onRegistered: () => void }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const [form] = Form.useForm<DeviceInput>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<DeviceWithToken | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(values: DeviceInput) {
    setBusy(true);
    setProblem(null);
    try {
      setDone(await registerDevice({ ...values, parentId: values.parentId || null }));
      onRegistered();
    } catch (err) {
      setProblem(problemText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal open title={t('iot.register.title')} onCancel={onClose} footer={done ? <Button onClick={onClose}>{t('iot.close')}</Button> : undefined} okText={t('iot.register.submit')} onOk={() => form.submit()} confirmLoading={busy} width={640}>
      {done ? (
        <TokenOnce result={done} />
      ) : (
        <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} initialValues={{ accessTier: 'general' satisfies AccessTier, lon: 115.985, lat: 36.456 }} data-testid="register-form">
          <Form.Item name="id" label={t('iot.col.id')} rules={[{ required: true, pattern: /^[A-Za-z0-9_-]{3,64}$/, message: t('iot.register.idRule') }]}>
            <Input placeholder="LC-WL-001" />
          </Form.Item>
          <Form.Item name="typeId" label={t('iot.col.type')} rules={[{ required: true }]}>
            <Select showSearch optionFilterProp="label" options={types.map((x) => ({ value: x.id, label: `${language === 'en' ? x.nameEn : x.nameZh} (${x.id})` }))} />
          </Form.Item>
          <Form.Item name="name" label={t('iot.col.name')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="ownerDepartment" label={t('iot.col.department')} rules={[{ required: true }]}>
            <Input placeholder="聊城市水利局" />
          </Form.Item>
          <Space>
            <Form.Item name="lon" label={t('iot.register.lon')} rules={[{ required: true }]}>
              <InputNumber min={-180} max={180} step={0.001} style={{ width: 160 }} />
            </Form.Item>
            <Form.Item name="lat" label={t('iot.register.lat')} rules={[{ required: true }]}>
              <InputNumber min={-90} max={90} step={0.001} style={{ width: 160 }} />
            </Form.Item>
            <Form.Item name="accessTier" label={t('iot.col.tier')} rules={[{ required: true }]}>
              <Select style={{ width: 120 }} options={(['core', 'important', 'general'] as const).map((v) => ({ value: v, label: t(`iot.tier.${v}`) }))} />
            </Form.Item>
          </Space>
          <Form.Item name="parentId" label={t('iot.col.parent')}>
            <Input placeholder={t('iot.register.parentHint')} />
          </Form.Item>
          {problem ? <Alert type="error" showIcon title={problem} data-testid="register-problem" /> : null}
        </Form>
      )}
    </Modal>
  );
}

function fileFormat(name: string): 'csv' | 'xlsx' | 'json' | null {
  const ext = name.toLowerCase().split('.').pop();
  return ext === 'csv' || ext === 'xlsx' || ext === 'json' ? ext : null;
}

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function BulkRegisterModal({ onClose, onRegistered }: { onClose: () => void; onRegistered: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<BulkResult | null>(null);

  async function upload(file: File) {
    const format = fileFormat(file.name);
    if (!format) {
      void message.error(t('iot.bulk.badFile'));
      return;
    }
    setBusy(true);
    try {
      setResult(await bulkRegister(format, format === 'xlsx' ? await base64Of(file) : await file.text()));
      onRegistered();
    } catch (err) {
      void message.error(problemText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal open title={t('iot.bulk.title')} onCancel={onClose} footer={<Button onClick={onClose}>{t('iot.close')}</Button>} width={860}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">{t('iot.bulk.help')}</Typography.Paragraph>
        <Typography.Text code>id,typeId,name,ownerDepartment,lon,lat,accessTier,parentId</Typography.Text>
        <Upload.Dragger
          accept=".csv,.xlsx,.json"
          showUploadList={false}
          disabled={busy}
          beforeUpload={(file) => {
            void upload(file);
            return false;
          }}
        >
          <p>{busy ? t('iot.bulk.uploading') : t('iot.bulk.drop')}</p>
        </Upload.Dragger>
        {result ? (
          <>
            <Alert type={result.errors.length > 0 ? 'warning' : 'success'} showIcon title={t('iot.bulk.summary', { created: result.created.length, errors: result.errors.length })} data-testid="bulk-summary" />
            {result.errors.length > 0 ? (
              <Table
                size="small"
                rowKey={(e) => `${e.row}-${e.field}`}
                data-testid="bulk-errors"
                pagination={{ pageSize: 8 }}
                dataSource={result.errors}
                columns={[
                  { title: t('iot.bulk.row'), dataIndex: 'row', width: 70 },
                  { title: t('iot.col.id'), dataIndex: 'id', render: (v: string | null) => v ?? '—' },
                  { title: t('iot.bulk.field'), dataIndex: 'field' },
                  { title: t('iot.bulk.message'), dataIndex: 'message' },
                ]}
              />
            ) : null}
            {result.created.length > 0 ? (
              <Table
                size="small"
                rowKey={(c) => c.device.id}
                pagination={{ pageSize: 8 }}
                dataSource={result.created}
                title={() => t('iot.bulk.tokens')}
                columns={[
                  { title: t('iot.col.id'), render: (_: unknown, c: DeviceWithToken) => c.device.id },
                  { title: t('iot.token.label'), dataIndex: 'token', render: (v: string) => <Typography.Text code copyable>{v}</Typography.Text> },
                ]}
              />
            ) : null}
          </>
        ) : null}
      </Space>
    </Modal>
  );
}

/** 编辑设备 change a device's registration (its id and type stay). */
export function EditDeviceModal({ device, onClose, onSaved }: { device: Device; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<DevicePatch>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(values: DevicePatch) {
    setBusy(true);
    setProblem(null);
    try {
      await updateDevice(device.id, { ...values, parentId: values.parentId || null });
      onSaved();
      onClose();
    } catch (err) {
      setProblem(problemText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal open title={t('iot.edit.title', { id: device.id })} onCancel={onClose} okText={t('iot.edit.submit')} onOk={() => form.submit()} confirmLoading={busy} width={640}>
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => void submit(v)}
        initialValues={{ name: device.name, ownerDepartment: device.ownerDepartment, lon: device.lon, lat: device.lat, accessTier: device.accessTier, parentId: device.parentId ?? '' }}
        data-testid="edit-device-form"
      >
        <Form.Item name="name" label={t('iot.col.name')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="ownerDepartment" label={t('iot.col.department')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Space>
          <Form.Item name="lon" label={t('iot.register.lon')} rules={[{ required: true }]}>
            <InputNumber min={-180} max={180} step={0.001} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="lat" label={t('iot.register.lat')} rules={[{ required: true }]}>
            <InputNumber min={-90} max={90} step={0.001} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="accessTier" label={t('iot.col.tier')} rules={[{ required: true }]}>
            <Select style={{ width: 120 }} options={(['core', 'important', 'general'] as const).map((v) => ({ value: v, label: t(`iot.tier.${v}`) }))} />
          </Form.Item>
        </Space>
        <Form.Item name="parentId" label={t('iot.col.parent')}>
          <Input placeholder={t('iot.register.parentHint')} />
        </Form.Item>
        {problem ? <Alert type="error" showIcon title={problem} data-testid="edit-device-problem" /> : null}
      </Form>
    </Modal>
  );
}
