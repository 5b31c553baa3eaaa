import { describe, expect, it } from 'vitest';
import { inDepartments, sameDepartment } from './scope.ts';

describe('department names', () => {
  it('treats the city prefix and the org tree short forms as one department', () => {
    expect(sameDepartment('聊城市水利局', '水利局')).toBe(true);
    expect(sameDepartment('市市场监督管理局', '市场监管局')).toBe(true);
    expect(sameDepartment('综合行政执法局', '城管局')).toBe(true);
    expect(sameDepartment('市水利局', '市生态环境局')).toBe(false);
  });
  it('scopes a grant by those names, and by unit code as given', () => {
    const scope = { all: false, departments: ['D07', '市场监管局'] } as const;
    expect(inDepartments(scope, '聊城市市场监督管理局')).toBe(true);
    expect(inDepartments(scope, 'D07')).toBe(true);
    expect(inDepartments(scope, '市水利局')).toBe(false);
    expect(inDepartments({ all: true }, '市水利局')).toBe(true);
  });
});
