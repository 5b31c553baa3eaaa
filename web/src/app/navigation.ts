// The console's navigation: the platform's capabilities by name, grouped as in REQUIREMENTS.md.
// `requirements` are the IDs in /work/shared/REQUIREMENTS.md that a page will implement.

/** A page of the console; `built: false` pages say plainly that the capability is being built. */
export interface NavPage {
  key: PageKey;
  path: string;
  requirements: readonly string[];
  built: boolean;
  /** Opens outside the console layout (big screen, portals). */
  standalone?: boolean;
}

export interface NavGroup {
  key: GroupKey;
  pages: readonly NavPage[];
}

export type PageKey =
  | 'home' | 'notifications'
  | 'catalog' | 'lists' | 'aggregation' | 'quality' | 'sharing' | 'openData'
  | 'people' | 'roles' | 'clients' | 'apiKeys' | 'audit' | 'signIn'
  | 'devices' | 'alarms'
  | 'events' | 'dispatch' | 'oneMap' | 'bigScreen'
  | 'hotline' | 'services'
  | 'status'
  | 'openPortal' | 'citizenPortal';

export type GroupKey = 'dataPlatform' | 'identity' | 'iot' | 'cityBrain' | 'system';

const page = (key: PageKey, path: string, requirements: readonly string[], built = false): NavPage => ({ key, path, requirements, built });

export const HOME: NavPage = page('home', '/console', [], true);
export const STATUS: NavPage = page('status', '/console/status', [], true);
/** 消息中心: what the caller's units must act on (the header's bell opens it too). */
export const NOTIFICATIONS: NavPage = page('notifications', '/console/notifications', [], true);

/** Sider entries in order: a page, or a group of pages. */
export const NAVIGATION: readonly (NavPage | NavGroup)[] = [
  HOME,
  NOTIFICATIONS,
  {
    key: 'dataPlatform',
    pages: [
      page('catalog', '/console/catalog', ['A1', 'A2'], true),
      page('lists', '/console/lists', ['A5'], true),
      page('aggregation', '/console/aggregation', ['A3'], true),
      page('quality', '/console/quality', ['A4'], true),
      page('sharing', '/console/sharing', ['A6', 'A7', 'A9']),
      page('openData', '/console/open-data', ['A8']),
    ],
  },
  {
    key: 'identity',
    pages: [
      page('people', '/console/people', ['B1', 'B3'], true),
      page('roles', '/console/roles', ['B3', 'I4'], true),
      page('clients', '/console/clients', ['B2'], true),
      page('apiKeys', '/console/api-keys', ['B1'], true),
      page('audit', '/console/audit', ['I3'], true),
    ],
  },
  {
    key: 'iot',
    pages: [page('devices', '/console/devices', ['D1', 'D2', 'D3', 'D4'], true), page('alarms', '/console/alarms', ['D5'], true)],
  },
  {
    key: 'cityBrain',
    pages: [
      page('events', '/console/events', ['E1', 'E2'], true),
      page('dispatch', '/console/dispatch', ['E3'], true),
      page('oneMap', '/console/map', ['E5'], true),
      { ...page('bigScreen', '/screen', ['E4'], true), standalone: true },
    ],
  },
  page('hotline', '/console/hotline', ['F1', 'F2', 'F3', 'F4', 'F5']),
  page('services', '/console/services', ['C1', 'C2', 'C3', 'C4', 'C5', 'C6']),
  { key: 'system', pages: [STATUS] },
];

/** Pages the server also serves index.html for, outside the console. */
export const PORTALS: readonly NavPage[] = [
  { ...page('signIn', '/console/login', ['B2'], true), standalone: true },
  { ...page('openPortal', '/open', ['A8']), standalone: true },
  // The citizen entrance of One Number (sign-in, registration, my account); services (C8) come later.
  { ...page('citizenPortal', '/m', ['B1', 'B2', 'C8'], true), standalone: true },
];

export function isGroup(entry: NavPage | NavGroup): entry is NavGroup {
  return 'pages' in entry;
}

const ALL_PAGES: readonly NavPage[] = [...NAVIGATION.flatMap((e) => (isGroup(e) ? e.pages : [e])), ...PORTALS];

/** The page for a path ("/" and "/console" are Home; a trailing slash is ignored). */
export function findPage(pathname: string): NavPage | undefined {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '/' || path === '') return HOME;
  return ALL_PAGES.find((p) => p.path === path);
}

/** The group a page belongs to, for opening the right Sider submenu. */
export function findGroup(key: PageKey): GroupKey | undefined {
  for (const entry of NAVIGATION) if (isGroup(entry) && entry.pages.some((p) => p.key === key)) return entry.key;
  return undefined;
}
