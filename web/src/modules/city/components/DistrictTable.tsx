import { Table, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatCount } from '../../../app/format.ts';
import { useLanguage } from '../../../app/i18n.ts';
import type { DistrictSummary } from '../api/city-api.ts';

type CountKey = 'population' | 'households' | 'enterprises' | 'grids' | 'towns' | 'villages';

const COUNT_KEYS: readonly CountKey[] = ['population', 'households', 'enterprises', 'grids', 'towns', 'villages'];

/** One row per district (区县) with its figures and a total row. */
export function DistrictTable({ districts }: { districts: readonly DistrictSummary[] }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const label = (key: CountKey): string => (key === 'towns' || key === 'villages' ? t(`district.${key}`) : t(`kpi.${key}`));
  const total = (key: CountKey): number => districts.reduce((sum, d) => sum + d[key], 0);

  const columns: TableColumnsType<DistrictSummary> = [
    { title: t('district.name'), dataIndex: 'name', key: 'name', fixed: 'left', render: (name: string) => <Typography.Text strong>{name}</Typography.Text> },
    { title: t('district.code'), dataIndex: 'code', key: 'code' },
    ...COUNT_KEYS.map((key) => ({
      title: label(key),
      dataIndex: key,
      key,
      align: 'right' as const,
      sorter: (a: DistrictSummary, b: DistrictSummary) => a[key] - b[key],
      render: (value: number) => <span data-testid={`district-${key}`}>{formatCount(value, language)}</span>,
    })),
  ];

  return (
    <Table<DistrictSummary>
      data-testid="district-table"
      rowKey="code"
      size="middle"
      columns={columns}
      dataSource={[...districts]}
      pagination={false}
      scroll={{ x: 'max-content' }}
      summary={() => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0} colSpan={2}>
            <Typography.Text strong>{t('district.total')}</Typography.Text>
          </Table.Summary.Cell>
          {COUNT_KEYS.map((key, i) => (
            <Table.Summary.Cell key={key} index={i + 2} align="right">
              <Typography.Text strong data-testid={`district-total-${key}`}>
                {formatCount(total(key), language)}
              </Typography.Text>
            </Table.Summary.Cell>
          ))}
        </Table.Summary.Row>
      )}
    />
  );
}
