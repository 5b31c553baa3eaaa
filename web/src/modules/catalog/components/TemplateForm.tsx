import { App, Form, Input, Modal, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/api.ts';
import { ErrorResult } from '../../../app/ErrorResult.tsx';
import { createFromTemplate, type FromTemplateInput, type LibraryInfo, type Resource } from '../api/catalog-api.ts';
import { useTemplates } from '../hooks/use-catalog.ts';

/** 从模板创建 create a theme-library resource from a template: pick the template, give the code and the source department. */
export function TemplateForm({ libraries, onClose, onSaved }: { libraries: readonly LibraryInfo[]; onClose: () => void; onSaved: (r: Resource) => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FromTemplateInput>();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<unknown>(undefined);
  const { data: templates, error } = useTemplates();
  const chosen = Form.useWatch('template', form);
  const template = templates?.items.find((x) => x.id === chosen);
  const en = i18n.language === 'en';
  const libraryTitle = (library: string): string => {
    const l = libraries.find((x) => x.libraryClass === 'theme' && x.library === library);
    return l ? (en ? l.titleEn : l.title) : library;
  };
  const required = { required: true, message: t('catalog.form.required') };

  const save = (values: FromTemplateInput) => {
    setSaving(true);
    setFailure(undefined);
    const { name, ...rest } = values;
    createFromTemplate({ ...rest, ...(name ? { name } : {}) }).then(
      (r) => {
        setSaving(false);
        void message.success(t('catalog.template.created', { code: r.code }));
        onSaved(r);
      },
      (e: unknown) => {
        setSaving(false);
        const name = e instanceof ApiError && e.field?.startsWith('/body/') ? e.field.slice('/body/'.length) : null;
        if (name && ['template', 'code', 'name', 'department'].includes(name)) form.setFields([{ name: name as keyof FromTemplateInput, errors: [e instanceof Error ? e.message : String(e)] }]);
        else setFailure(e);
      },
    );
  };

  return (
    <Modal open width={720} title={t('catalog.template.title')} okText={t('catalog.template.create')} cancelText={t('catalog.form.cancel')} confirmLoading={saving} okButtonProps={{ 'data-testid': 'template-submit' }} onOk={() => form.submit()} onCancel={onClose} destroyOnHidden>
      {error !== undefined && <ErrorResult error={error} compact />}
      {failure !== undefined && <ErrorResult error={failure} compact />}
      <Form form={form} layout="vertical" onFinish={save} data-testid="template-form">
        <Form.Item name="template" label={t('catalog.template.template')} rules={[required]}>
          <Select
            data-testid="template-select"
            placeholder={t('catalog.template.pick')}
            options={[...new Set((templates?.items ?? []).map((x) => x.library))].map((library) => ({
              label: libraryTitle(library),
              options: (templates?.items ?? []).filter((x) => x.library === library).map((x) => ({ value: x.id, label: en ? x.titleEn : x.title })),
            }))}
          />
        </Form.Item>
        <Form.Item name="code" label={t('catalog.code')} rules={[required, { pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/, message: t('catalog.form.codePattern') }]}>
          <Input placeholder="371500-ZT-XX-0001" data-testid="template-code" />
        </Form.Item>
        <Form.Item name="name" label={t('catalog.name')} extra={t('catalog.template.nameHint')}>
          <Input placeholder={template?.title} />
        </Form.Item>
        <Form.Item name="department" label={t('catalog.department')} rules={[required]}>
          <Input placeholder="市生态环境局" data-testid="template-department" />
        </Form.Item>
      </Form>
      {template && (
        <Table
          size="small"
          rowKey="name"
          pagination={false}
          title={() => t('catalog.template.items', { n: template.dataItems.length })}
          dataSource={template.dataItems}
          columns={[
            { title: t('catalog.itemTitle'), dataIndex: 'title' },
            { title: t('catalog.itemName'), dataIndex: 'name' },
            { title: t('catalog.itemType'), dataIndex: 'type', render: (v: string) => <Tag>{v}</Tag> },
            { title: t('catalog.key'), dataIndex: 'key', render: (v?: boolean) => (v ? '✓' : '') },
          ]}
        />
      )}
    </Modal>
  );
}
