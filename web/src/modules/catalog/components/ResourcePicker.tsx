import { Select } from 'antd';
import { useState } from 'react';
import { useResourceSearch } from '../hooks/use-catalog.ts';

/** A searchable select of catalogued resources (by name or code), used wherever a page works on one resource. */
export function ResourcePicker({ value, onChange, placeholder, testId }: { value: string | undefined; onChange: (code: string) => void; placeholder: string; testId: string }) {
  const [q, setQ] = useState('');
  const { data, loading } = useResourceSearch({ q, limit: 30, offset: 0 });
  return (
    <Select
      showSearch
      filterOption={false}
      style={{ width: 480 }}
      placeholder={placeholder}
      value={value}
      loading={loading}
      onSearch={setQ}
      onChange={onChange}
      data-testid={testId}
      options={(data?.items ?? []).map((r) => ({ value: r.code, label: `${r.name}（${r.code}）` }))}
    />
  );
}
