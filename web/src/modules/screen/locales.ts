// Texts of the big screen; spread into the app's locales (zh-cn first, en with the same keys).
export const screenZhCN = {
  title: '城市运行管理大屏',
  subtitle: '聊城市城市大脑 · 态势感知',
  live: '实时',
  reconnecting: '重新连接中…',
  kpi: { eventsToday: '今日事件', open: '在办事件', overdue: '超期事件', onTimeRate: '按时办结率', devicesOnline: '在线设备', activeAlarms: '活动告警' },
  trendHours: '近24小时事件趋势',
  trendDays: '近7天事件趋势',
  created: '新增',
  closed: '结案',
  departments: '部门排行（近30天）',
  districts: '区县在办事件排行',
  stream: '实时事件流',
  alarmRaised: '告警',
  alarmCleared: '告警解除',
  verb: {
    created: '新建', dispatched: '派遣', accepted: '签收', started: '处置', reported: '反馈', verified: '核查', rejected: '退回重办', closed: '结案',
    reopened: '重启', reassigned: '改派', escalated: '升级', joined: '联合处置', returned: '退单', warned: '预警',
  },
  empty: '暂无事件',
};

export const screenEn: typeof screenZhCN = {
  title: 'City operations big screen',
  subtitle: 'Liaocheng city brain · situational awareness',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  kpi: { eventsToday: 'Events today', open: 'Open events', overdue: 'Overdue', onTimeRate: 'On-time rate', devicesOnline: 'Devices online', activeAlarms: 'Active alarms' },
  trendHours: 'Events, last 24 hours',
  trendDays: 'Events, last 7 days',
  created: 'New',
  closed: 'Closed',
  departments: 'Departments (last 30 days)',
  districts: 'Open events by district',
  stream: 'Live event stream',
  alarmRaised: 'Alarm',
  alarmCleared: 'Alarm cleared',
  verb: {
    created: 'Created', dispatched: 'Dispatched', accepted: 'Accepted', started: 'Started', reported: 'Reported', verified: 'Verified', rejected: 'Rejected', closed: 'Closed',
    reopened: 'Reopened', reassigned: 'Reassigned', escalated: 'Escalated', joined: 'Joint handling', returned: 'Returned', warned: 'Warned',
  },
  empty: 'No events yet',
};
