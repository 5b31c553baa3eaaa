// A problem ticket (问题工单) with its timeline; the source department acknowledges and comments.
import { Alert, Button, Descriptions, Drawer, Input, Space, Tag, Timeline } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/api.ts';
import { formatDateTime } from '../../../app/format.ts';
import { useLanguage } from '../../../app/i18n.ts';
import { acknowledgeTicket, commentTicket, type TicketState } from '../api/quality-api.ts';
import { useTicket } from '../hooks/use-quality.ts';

export const ticketColor: Record<TicketState, string> = { open: 'red', acknowledged: 'orange', closed: 'green' };

export function TicketDrawer({ id, onClose, onChanged }: { id: number; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const [nonce, setNonce] = useState(0);
  const [text, setText] = useState('');
  const [failure, setFailure] = useState<string | undefined>();
  const { data: ticket } = useTicket(id, nonce);
  const act = async (action: () => Promise<unknown>) => {
    setFailure(undefined);
    try {
      await action();
      setText('');
      setNonce((n) => n + 1);
      onChanged();
    } catch (e) {
      setFailure(e instanceof ApiError ? (e.detail ?? e.title) : String(e));
    }
  };
  return (
    <Drawer open width={560} title={t('quality.ticket', { id })} onClose={onClose} data-testid="ticket-drawer">
      {ticket && (
        <>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('quality.state')}>
              <Tag color={ticketColor[ticket.state]}>{t(`quality.stateValue.${ticket.state}`)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('quality.department')}>{ticket.department}</Descriptions.Item>
            <Descriptions.Item label={t('quality.resource')}>{ticket.resourceCode}</Descriptions.Item>
            <Descriptions.Item label={t('quality.name')}>{ticket.ruleName}</Descriptions.Item>
            <Descriptions.Item label={t('quality.summary')}>{ticket.summary}</Descriptions.Item>
            <Descriptions.Item label={t('quality.failingRuns')}>{ticket.failingRuns}</Descriptions.Item>
            <Descriptions.Item label={t('quality.openedAt')}>{formatDateTime(ticket.openedAt, language)}</Descriptions.Item>
          </Descriptions>
          <h4 style={{ marginTop: 16 }}>{t('quality.notes')}</h4>
          <Timeline
            items={(ticket.notes ?? []).map((n) => ({
              color: n.kind === 'closed' ? 'green' : n.kind === 'opened' ? 'red' : 'blue',
              children: (
                <>
                  <b>{t(`quality.noteKind.${n.kind}`, { defaultValue: n.kind })}</b> · {n.actor} · {formatDateTime(n.at, language)}
                  <div>{n.body}</div>
                </>
              ),
            }))}
          />
          {ticket.state !== 'closed' && (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Input.TextArea rows={2} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} placeholder={t('quality.comment')} />
              <Space>
                {ticket.state === 'open' && (
                  <Button type="primary" onClick={() => void act(() => acknowledgeTicket(id, text.trim() || undefined))}>
                    {t('quality.acknowledge')}
                  </Button>
                )}
                <Button disabled={text.trim() === ''} onClick={() => void act(() => commentTicket(id, text.trim()))}>
                  {t('quality.send')}
                </Button>
              </Space>
            </Space>
          )}
          {failure && <Alert type="error" showIcon message={failure} style={{ marginTop: 12 }} />}
        </>
      )}
    </Drawer>
  );
}
