import { Alert, Button, Card, Col, Drawer, Form, Input, Modal, Row, Space, Table, Tag, Tree, Typography, type TreeDataNode } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../app/api.ts';
import { useResource } from '../app/use-resource.ts';
import { identityApi, type Account, type Me } from '../modules/identity/api/identity.ts';
import { RequireSignIn } from '../modules/identity/components/RequireSignIn.tsx';
import { can } from '../modules/identity/permissions.ts';

function UnitTree({ onSelect }: { onSelect: (code: string | undefined) => void }) {
  const [tree, setTree] = useState<TreeDataNode[]>([]);
  const roots = useResource(
    async (signal) => {
      const units = await identityApi.units(undefined, signal);
      const nodes = units.map((u) => ({ key: u.code, title: u.name, isLeaf: u.children === 0 }));
      setTree(nodes);
      return nodes;
    },
    { key: 'units' },
  );
  const attach = (nodes: TreeDataNode[], key: string, children: TreeDataNode[]): TreeDataNode[] =>
    nodes.map((n) => (n.key === key ? { ...n, children } : n.children ? { ...n, children: attach(n.children, key, children) } : n));
  return roots.error ? (
    <Alert type="error" title={String((roots.error as Error).message)} />
  ) : (
    <Tree
      treeData={tree}
      defaultExpandedKeys={['371500']}
      loadData={async (node) => {
        const kids = await identityApi.units(String(node.key));
        setTree((t) => attach(t, String(node.key), kids.map((u) => ({ key: u.code, title: `${u.name}${u.members ? ` (${u.members})` : ''}`, isLeaf: u.children === 0 }))));
      }}
      onSelect={(keys) => onSelect(keys[0] === undefined ? undefined : String(keys[0]))}
      style={{ maxHeight: 560, overflow: 'auto' }}
      data-testid="unit-tree"
    />
  );
}

function AccountDrawer({ me, account, onClose }: { me: Me; account: Account; onClose: () => void }) {
  const { t } = useTranslation();
  const detail = useResource(() => identityApi.account(account.id), { key: account.id });
  const [error, setError] = useState<string>();
  const act = (p: Promise<unknown>) => p.then(() => { setError(undefined); detail.reload(); }, (e: unknown) => setError(e instanceof ApiError ? (e.detail ?? e.title) : String(e)));
  return (
    <Drawer open title={`${account.displayName} · ${account.login}`} onClose={onClose} size="large">
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Typography.Title level={5}>{t('identity.people.roles')}</Typography.Title>
      <Space wrap>{detail.data?.grants.map((g) => <Tag key={`${g.role}@${g.scopeUnit}`}>{g.scopeUnit ? `${g.role} @ ${g.scopeUnit}` : g.role}</Tag>)}</Space>
      {can(me, 'identity.role.grant') && (
        <Form layout="inline" style={{ marginTop: 16 }} onFinish={(v: { role: string; scope?: string }) => act(identityApi.grant(account.id, v.role, v.scope))}>
          <Form.Item name="role" rules={[{ required: true }]}><Input placeholder={t('identity.people.role')} /></Form.Item>
          <Form.Item name="scope"><Input placeholder={t('identity.people.scope')} /></Form.Item>
          <Button htmlType="submit" type="primary">{t('identity.people.grant')}</Button>
        </Form>
      )}
      {account.locked && can(me, 'identity.account.lock') && (
        <Button style={{ marginTop: 16 }} onClick={() => void act(identityApi.unlock(account.id))}>{t('identity.people.unlock')}</Button>
      )}
      {can(me, 'identity.account.write') && me.account.id !== account.id && (
        <div style={{ marginTop: 16 }}>
          <Button danger={(detail.data?.account.status ?? account.status) === 'active'} data-testid="account-status"
            onClick={() => void act(identityApi.setAccountStatus(account.id, (detail.data?.account.status ?? account.status) === 'active' ? 'disabled' : 'active'))}>
            {t((detail.data?.account.status ?? account.status) === 'active' ? 'identity.people.disable' : 'identity.people.enable')}
          </Button>
        </div>
      )}
    </Drawer>
  );
}

function People({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [unit, setUnit] = useState<string>();
  const [q, setQ] = useState('');
  const [open, setOpen] = useState<Account>();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string>();
  const [createError, setCreateError] = useState<string>();
  const accounts = useResource((signal) => identityApi.accounts({ unit, q }, signal), { key: `${unit ?? ''}|${q}` });
  return (
    <Row gutter={16}>
      <Col xs={24} md={8}>
        <Card title={t('identity.people.units')} size="small"><UnitTree onSelect={setUnit} /></Card>
      </Col>
      <Col xs={24} md={16}>
        <Card
          title={t('identity.people.accounts')}
          size="small"
          extra={<Space>
            <Input.Search allowClear placeholder={t('identity.people.search')} onSearch={setQ} style={{ width: 220 }} />
            {can(me, 'identity.account.write') && <Button type="primary" onClick={() => setCreating(true)}>{t('identity.people.createStaff')}</Button>}
          </Space>}
        >
          {created && <Alert type="success" showIcon closable title={t('identity.people.oneTimePassword', { password: created })} style={{ marginBottom: 12 }} data-testid="one-time-password" />}
          <Table<Account>
            rowKey="id"
            size="small"
            loading={accounts.loading}
            dataSource={accounts.data ?? []}
            onRow={(a) => ({ onClick: () => setOpen(a), style: { cursor: 'pointer' } })}
            columns={[
              { title: t('identity.people.login'), dataIndex: 'login' },
              { title: t('identity.people.name'), dataIndex: 'displayName' },
              { title: t('identity.people.kind'), dataIndex: 'kind', render: (k: Account['kind']) => t(`identity.people.kinds.${k}`) },
              { title: t('identity.people.assurance'), dataIndex: 'assurance' },
              { title: t('identity.people.totp'), dataIndex: 'totpEnabled', render: (v: boolean) => (v ? '✓' : '') },
              { title: t('identity.people.locked'), dataIndex: 'locked', render: (v: boolean) => (v ? <Tag color="red">{t('identity.people.locked')}</Tag> : null) },
            ]}
            data-testid="accounts"
          />
        </Card>
      </Col>
      {open && <AccountDrawer me={me} account={open} onClose={() => setOpen(undefined)} />}
      <Modal open={creating} title={t('identity.people.createStaff')} footer={null} onCancel={() => setCreating(false)} destroyOnHidden>
        {createError && <Alert type="error" showIcon title={createError} style={{ marginBottom: 12 }} />}
        <Form
          layout="vertical"
          onFinish={(v: { login: string; name: string; idNumber?: string; units: string }) =>
            identityApi.createStaff({ login: v.login, name: v.name, idNumber: v.idNumber || undefined, units: v.units.split(',').map((s) => s.trim()).filter(Boolean) }).then(
              (r) => { setCreated(r.oneTimePassword); setCreating(false); setCreateError(undefined); accounts.reload(); },
              (e: unknown) => setCreateError(e instanceof ApiError ? (e.detail ?? e.title) : String(e)),
            )
          }
        >
          <Form.Item name="login" label={t('identity.people.login')} rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="name" label={t('identity.people.name')} rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="idNumber" label={t('identity.people.idNumber')}><Input /></Form.Item>
          <Form.Item name="units" label={t('identity.people.units_')} initialValue={unit} rules={[{ required: true }]}><Input /></Form.Item>
          <Button type="primary" htmlType="submit">{t('identity.people.create')}</Button>
        </Form>
      </Modal>
    </Row>
  );
}

export function PeoplePage() {
  return <RequireSignIn>{(me) => <People me={me} />}</RequireSignIn>;
}
