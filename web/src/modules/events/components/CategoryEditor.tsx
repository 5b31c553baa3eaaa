// 事件分类 the catalogue editor: classes and sub-classes with time limits per severity and the
// working-hours flag; add, edit, disable/enable, delete (the server refuses a category in use).
import { App, Button, Card, Checkbox, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/api.ts';
import { createCategory, deleteCategory, updateCategory, type Category } from '../api/events-api.ts';
import { useCategories } from '../hooks/use-events.ts';

interface FormValues {
  code: string;
  name: string;
  nameEn: string;
  parentCode?: string;
  normal: number;
  major: number;
  urgent: number;
  workingHours: boolean;
}

export function CategoryEditor() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { data, loading, reload } = useCategories();
  const [editing, setEditing] = useState<Category | 'new' | undefined>();
  const [form] = Form.useForm<FormValues>();
  const classes = (data ?? []).filter((c) => c.parentCode === null);

  const fail = (err: unknown) => void message.error(err instanceof ApiError ? (err.detail ?? err.title) : String(err));

  function open(c: Category | 'new') {
    setEditing(c);
    form.setFieldsValue(c === 'new'
      ? { code: '', name: '', nameEn: '', normal: 1440, major: 480, urgent: 120, workingHours: true }
      : { code: c.code, name: c.name, nameEn: c.nameEn, parentCode: c.parentCode ?? undefined, ...c.limits, workingHours: c.workingHours });
  }

  async function save() {
    const v = await form.validateFields();
    const limits = { normal: v.normal, major: v.major, urgent: v.urgent };
    try {
      if (editing === 'new') await createCategory({ code: v.code, name: v.name, nameEn: v.nameEn, parentCode: v.parentCode ?? null, limits, workingHours: v.workingHours });
      else if (editing) await updateCategory(editing.code, { name: v.name, nameEn: v.nameEn, limits, workingHours: v.workingHours });
      setEditing(undefined);
      void message.success(t('events.done'));
      reload();
    } catch (err) {
      fail(err);
    }
  }

  async function run(p: Promise<unknown>) {
    try {
      await p;
      void message.success(t('events.done'));
    } catch (err) {
      fail(err);
    }
    reload();
  }

  return (
    <Card extra={<Button type="primary" onClick={() => open('new')}>{t('events.cat.add')}</Button>}>
      <Table<Category>
        rowKey="code"
        size="small"
        loading={loading && !data}
        dataSource={data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        rowClassName={(c) => (c.parentCode === null ? 'ant-table-row-level-0' : '')}
        columns={[
          { title: t('events.cat.code'), dataIndex: 'code', width: 90, render: (code: string, c) => (c.parentCode === null ? <b>{code}</b> : code) },
          { title: t('events.cat.name'), dataIndex: 'name', render: (_v, c) => <span>{c.parentCode === null ? <b>{c.name}</b> : c.name} <span style={{ color: '#8c8c8c' }}>{c.nameEn}</span></span> },
          { title: t('events.cat.urgent'), width: 80, render: (_v, c) => c.limits.urgent },
          { title: t('events.cat.major'), width: 80, render: (_v, c) => c.limits.major },
          { title: t('events.cat.normal'), width: 80, render: (_v, c) => c.limits.normal },
          { title: t('events.cat.workingHours'), dataIndex: 'workingHours', width: 110, render: (w: boolean) => (w ? <Tag color="blue">✓</Tag> : <Tag>—</Tag>) },
          { title: t('events.cat.active'), dataIndex: 'active', width: 80, render: (a: boolean, c) => <Switch size="small" checked={a} onChange={(on) => void run(updateCategory(c.code, { active: on }))} /> },
          {
            key: 'ops', width: 150,
            render: (_v, c) => (
              <Space>
                <Button size="small" onClick={() => open(c)}>{t('events.cat.edit')}</Button>
                <Button size="small" danger onClick={() => void run(deleteCategory(c.code))}>{t('events.cat.remove')}</Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal open={editing !== undefined} title={editing === 'new' ? t('events.cat.add') : t('events.cat.edit')} onOk={() => void save()} onCancel={() => setEditing(undefined)} okText={t('events.cat.save')} destroyOnHidden>
        <Form form={form} layout="vertical">
          <Space>
            <Form.Item name="code" label={t('events.cat.code')} rules={[{ required: true, pattern: /^[A-Z]{2}([0-9]{2})?$/ }]}><Input disabled={editing !== 'new'} style={{ width: 100 }} placeholder="SZ07" /></Form.Item>
            <Form.Item name="parentCode" label={t('events.cat.parent')}>
              <Select allowClear disabled={editing !== 'new'} style={{ width: 220 }} placeholder={t('events.cat.classOnly')} options={classes.map((c) => ({ value: c.code, label: `${c.code} ${c.name}` }))} />
            </Form.Item>
          </Space>
          <Form.Item name="name" label={t('events.cat.name')} rules={[{ required: true, max: 60 }]}><Input /></Form.Item>
          <Form.Item name="nameEn" label={t('events.cat.nameEn')} rules={[{ required: true, max: 120 }]}><Input /></Form.Item>
          <Space>
            {(['urgent', 'major', 'normal'] as const).map((k) => (
              <Form.Item key={k} name={k} label={`${t(`events.cat.${k}`)}（${t('events.cat.minutes')}）`} rules={[{ required: true, type: 'integer', min: 1 }]}><InputNumber min={1} /></Form.Item>
            ))}
          </Space>
          <Form.Item name="workingHours" valuePropName="checked"><Checkbox>{t('events.cat.workingHours')}</Checkbox></Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
