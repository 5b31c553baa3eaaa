// 下行指令 commands to a device: send one, watch it go sent → acked / failed / expired.
import { Alert, Button, Form, Input, InputNumber, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../../../app/ErrorResult.tsx';
import { formatDateTime } from '../../../app/format.ts';
import { useLanguage } from '../../../app/i18n.ts';
import { sendCommand, type Command, type CommandStatus } from '../api/iot-api.ts';
import { useCommands } from '../hooks/use-iot.ts';
import { problemText } from './DeviceForms.tsx';

const STATUS_COLOR: Record<CommandStatus, string> = { pending: 'default', sent: 'processing', acked: 'green', failed: 'red', expired: 'orange' };

export function CommandsPanel({ deviceId }: { deviceId: string }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const { data, error, reload } = useCommands(deviceId);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function send(v: { name: string; params?: string; timeoutSeconds: number }) {
    setBusy(true);
    setProblem(null);
    try {
      let params: Record<string, unknown> = {};
      if (v.params?.trim()) {
        const parsed = JSON.parse(v.params) as unknown;
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(t('iot.command.paramsObject'));
        params = parsed as Record<string, unknown>;
      }
      await sendCommand(deviceId, { name: v.name, params, timeoutSeconds: v.timeoutSeconds });
      reload();
    } catch (err) {
      setProblem(err instanceof SyntaxError ? t('iot.command.paramsObject') : problemText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('iot.command.help', { topic: `devices/${deviceId}/commands` })}</Typography.Text>
      <Form layout="inline" onFinish={(v: { name: string; params?: string; timeoutSeconds: number }) => void send(v)} initialValues={{ timeoutSeconds: 60 }} data-testid="command-form">
        <Form.Item name="name" rules={[{ required: true, pattern: /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, message: t('iot.command.nameRule') }]}>
          <Input placeholder={t('iot.command.name')} style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="params">
          <Input placeholder='{"seconds": 60}' style={{ width: 180 }} />
        </Form.Item>
        <Form.Item name="timeoutSeconds" label={t('iot.command.timeout')}>
          <InputNumber min={1} max={604_800} style={{ width: 90 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('iot.command.send')}
        </Button>
      </Form>
      {problem ? <Alert type="error" showIcon title={problem} /> : null}
      {error !== undefined && !data ? (
        <ErrorResult error={error} onRetry={reload} compact />
      ) : (
        <Table<Command>
          rowKey="id"
          size="small"
          loading={!data}
          dataSource={data ?? []}
          data-testid="commands-table"
          pagination={{ pageSize: 10, showSizeChanger: false }}
          columns={[
            { title: t('iot.command.name'), dataIndex: 'name' },
            { title: t('iot.command.params'), dataIndex: 'params', render: (v: Record<string, unknown>) => <Typography.Text code>{JSON.stringify(v)}</Typography.Text> },
            { title: t('iot.alarm.status'), dataIndex: 'status', render: (s: CommandStatus) => <Tag color={STATUS_COLOR[s]}>{t(`iot.command.status.${s}`)}</Tag> },
            { title: t('iot.command.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v, language) },
            { title: t('iot.command.answer'), render: (_: unknown, c: Command) => c.error ?? (c.result === null ? '—' : JSON.stringify(c.result)) },
          ]}
        />
      )}
    </Space>
  );
}
