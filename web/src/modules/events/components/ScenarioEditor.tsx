// 识别场景 the video scenarios of the dispatcher desk: which event category a scenario's detections
// raise and the minimum confidence below which a detection is recorded but raises no event.
import { Alert, App, Button, Card, Input, InputNumber, Popconfirm, Select, Space, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/api.ts';
import { formatDateTime } from '../../../app/format.ts';
import { useLanguage } from '../../../app/i18n.ts';
import { deleteScenario, putScenario, type VideoScenario } from '../api/events-api.ts';
import { useCategories, useScenarios } from '../hooks/use-events.ts';

interface Draft {
  code: string;
  nameZh: string;
  nameEn: string;
  categoryCode?: string;
  minConfidence: number;
}

const EMPTY: Draft = { code: '', nameZh: '', nameEn: '', minConfidence: 0.6 };

export function ScenarioEditor() {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const { message } = App.useApp();
  const scenarios = useScenarios();
  const categories = useCategories().data ?? [];
  const [draft, setDraft] = useState<Draft>(EMPTY);

  async function run(p: Promise<unknown>, after?: () => void) {
    try {
      await p;
      void message.success(t('events.done'));
      after?.();
    } catch (err) {
      void message.error(err instanceof ApiError ? (err.detail ?? err.title) : String(err));
    }
    scenarios.reload();
  }

  const save = () => {
    if (!draft.categoryCode) return;
    void run(putScenario(draft.code.trim(), { nameZh: draft.nameZh, nameEn: draft.nameEn, categoryCode: draft.categoryCode, minConfidence: draft.minConfidence }), () => setDraft(EMPTY));
  };
  const edit = (s: VideoScenario) => setDraft({ code: s.code, nameZh: s.nameZh, nameEn: s.nameEn, categoryCode: s.categoryCode, minConfidence: s.minConfidence });
  const ready = /^[a-z][a-z0-9_]{1,39}$/.test(draft.code.trim()) && draft.nameZh.trim() !== '' && draft.nameEn.trim() !== '' && draft.categoryCode !== undefined;

  return (
    <Card data-testid="scenario-editor">
      <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('events.scn.hint')} />
      <Space wrap style={{ marginBottom: 12 }} data-testid="scenario-form">
        <Input data-testid="scenario-code" placeholder={t('events.scn.code')} style={{ width: 180 }} value={draft.code} onChange={(e) => setDraft({ ...draft, code: e.target.value })} />
        <Input data-testid="scenario-name" placeholder={t('events.scn.nameZh')} style={{ width: 150 }} value={draft.nameZh} onChange={(e) => setDraft({ ...draft, nameZh: e.target.value })} />
        <Input data-testid="scenario-name-en" placeholder={t('events.scn.nameEn')} style={{ width: 180 }} value={draft.nameEn} onChange={(e) => setDraft({ ...draft, nameEn: e.target.value })} />
        <Select data-testid="scenario-category" showSearch optionFilterProp="label" placeholder={t('events.scn.category')} style={{ width: 200 }} value={draft.categoryCode} onChange={(v: string) => setDraft({ ...draft, categoryCode: v })}
          options={categories.filter((c) => c.active).map((c) => ({ value: c.code, label: `${c.name}（${c.code}）` }))} />
        <span data-testid="scenario-min">
          <InputNumber min={0} max={1} step={0.05} style={{ width: 180 }} prefix={t('events.scn.min')} value={draft.minConfidence} onChange={(v) => setDraft({ ...draft, minConfidence: v ?? 0 })} />
        </span>
        <Button type="primary" data-testid="scenario-save" disabled={!ready} onClick={save}>{t('events.scn.save')}</Button>
      </Space>
      <Table<VideoScenario>
        rowKey="code"
        size="small"
        loading={scenarios.loading && !scenarios.data}
        dataSource={scenarios.data ?? []}
        pagination={false}
        onRow={(s) => ({ 'data-testid': 'scenario-row', 'data-code': s.code } as React.HTMLAttributes<HTMLElement>)}
        columns={[
          { title: t('events.scn.code'), dataIndex: 'code', width: 180 },
          { title: t('events.scn.name'), key: 'name', render: (_v, s) => (language === 'en' ? s.nameEn : s.nameZh) },
          { title: t('events.scn.category'), dataIndex: 'categoryCode', render: (_v, s) => `${s.categoryName ?? ''}（${s.categoryCode}）` },
          { title: t('events.scn.min'), dataIndex: 'minConfidence', width: 110, render: (v: number) => v.toFixed(2) },
          { title: t('events.cat.updatedBy'), key: 'updated', width: 220, render: (_v, s) => `${s.updatedBy} · ${formatDateTime(s.updatedAt, language)}` },
          {
            key: 'ops', width: 160,
            render: (_v, s) => (
              <Space>
                <Button size="small" onClick={() => edit(s)}>{t('events.cat.edit')}</Button>
                <Popconfirm title={t('events.scn.remove')} onConfirm={() => void run(deleteScenario(s.code))}>
                  <Button size="small" danger>{t('events.scn.remove')}</Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}
