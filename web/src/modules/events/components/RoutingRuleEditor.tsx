// 派遣规则 the routing rules of the dispatcher desk: category × district/grid → responsible unit.
// List, add and delete; new events are routed by them at once.
import { Alert, App, Button, Card, Input, Popconfirm, Select, Space, Table } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/api.ts';
import { createRule, deleteRule, type RoutingRule } from '../api/events-api.ts';
import { useCategories, useDepartments, usePlaces, useRules } from '../hooks/use-events.ts';

export function RoutingRuleEditor() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const rules = useRules();
  const categories = useCategories().data ?? [];
  const departments = useDepartments().data ?? [];
  const places = usePlaces().data;
  const [categoryCode, setCategoryCode] = useState<string>();
  const [districtCode, setDistrictCode] = useState<string>();
  const [gridCode, setGridCode] = useState('');
  const [departmentCode, setDepartmentCode] = useState<string>();

  const names = useMemo(() => {
    const m = new Map<string, string>();
    for (const c of categories) m.set(`c:${c.code}`, c.name);
    for (const d of departments) m.set(`u:${d.code}`, d.name);
    for (const d of places?.districts ?? []) m.set(`d:${d.code}`, d.name);
    return m;
  }, [categories, departments, places]);

  async function run(p: Promise<unknown>, after?: () => void) {
    try {
      await p;
      void message.success(t('events.done'));
      after?.();
    } catch (err) {
      void message.error(err instanceof ApiError ? (err.detail ?? err.title) : String(err));
    }
    rules.reload();
  }

  function add() {
    if (!categoryCode || !departmentCode) return;
    void run(
      createRule({ categoryCode, departmentCode, ...(districtCode ? { districtCode } : {}), ...(gridCode.trim() ? { gridCode: gridCode.trim() } : {}) }),
      () => setGridCode(''),
    );
  }

  const label = (prefix: string, code: string | null, none: string) => (code === null ? none : `${names.get(`${prefix}:${code}`) ?? code}（${code}）`);

  return (
    <Card data-testid="routing-rules">
      <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('events.rules.hint')} />
      <Space wrap style={{ marginBottom: 12 }} data-testid="rule-form">
        <Select data-testid="rule-category" showSearch optionFilterProp="label" placeholder={t('events.rules.category')} style={{ width: 200 }} value={categoryCode} onChange={setCategoryCode}
          options={categories.filter((c) => c.active).map((c) => ({ value: c.code, label: `${c.parentCode ? '' : '■ '}${c.name}（${c.code}）` }))} />
        <Select data-testid="rule-district" allowClear showSearch optionFilterProp="label" placeholder={t('events.rules.anyDistrict')} style={{ width: 180 }} value={districtCode} onChange={setDistrictCode}
          options={(places?.districts ?? []).map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }))} />
        <Input data-testid="rule-grid" placeholder={t('events.rules.gridPlaceholder')} style={{ width: 200 }} value={gridCode} onChange={(e) => setGridCode(e.target.value)} />
        <Select data-testid="rule-department" showSearch optionFilterProp="label" placeholder={t('events.rules.department')} style={{ width: 240 }} value={departmentCode} onChange={setDepartmentCode}
          options={departments.map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }))} />
        <Button type="primary" disabled={!categoryCode || !departmentCode} onClick={add}>{t('events.rules.add')}</Button>
      </Space>
      <Table<RoutingRule>
        rowKey="id"
        size="small"
        loading={rules.loading && !rules.data}
        dataSource={rules.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        onRow={(r) => ({ 'data-testid': 'rule-row', 'data-id': r.id } as React.HTMLAttributes<HTMLElement>)}
        columns={[
          { title: t('events.rules.category'), dataIndex: 'categoryCode', render: (c: string) => label('c', c, '') },
          { title: t('events.rules.district'), dataIndex: 'districtCode', render: (c: string | null) => label('d', c, t('events.rules.anyDistrict')) },
          { title: t('events.rules.grid'), dataIndex: 'gridCode', render: (c: string | null) => c ?? t('events.rules.anyGrid') },
          { title: t('events.rules.department'), dataIndex: 'departmentCode', render: (c: string) => label('u', c, '') },
          {
            key: 'ops', width: 90,
            render: (_v, r) => (
              <Popconfirm title={t('events.rules.remove')} onConfirm={() => void run(deleteRule(r.id))}>
                <Button size="small" danger>{t('events.rules.remove')}</Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </Card>
  );
}
