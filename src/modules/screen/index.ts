/**
 * Screen module (大屏 the big screen, 态势感知 situational awareness): KPIs of events, devices and
 * alarms with trends and rankings, and a live server-sent event stream fed by the bus — each of the
 * viewer's scope (城市/区县 两级大屏: the city, a district, a department). The page itself is the
 * console's /screen; its map layers come from the map module. Whole public surface.
 */
import { fileURLToPath } from 'node:url';
import type { BusSubscription } from '../../platform/bus/index.ts';
import type { MigrationSource, ModuleContext, PlatformModule } from '../../platform/index.ts';
import { screenRoutes } from './routes.ts';
import { createScreenService, type ScreenDeps, type ScreenService } from './service.ts';

export interface ScreenModule extends PlatformModule {
  name: 'screen';
  service: ScreenService;
}

/** The screen keeps no tables; the folder is here for the platform's migration runner. */
export const screenMigrations: MigrationSource = { module: 'screen', dir: fileURLToPath(new URL('./migrations', import.meta.url)) };

/** Bus subjects the stream carries. */
export const SCREEN_SUBJECTS = ['events.event.>', 'iot.alarm.>'] as const;

export function createScreenModule(ctx: Pick<ModuleContext, 'bus' | 'clock' | 'logger' | 'config'>, deps: Omit<ScreenDeps, 'clock' | 'logger'>): ScreenModule {
  const logger = ctx.logger.child({ module: 'screen' });
  const service = createScreenService({ ...deps, clock: ctx.clock, logger });
  const subscriptions: BusSubscription[] = [];
  return {
    name: 'screen',
    service,
    migrations: screenMigrations,
    routes: screenRoutes(service),
    async start() {
      // Every node streams to its own clients, so each one needs every event: a durable name per node.
      for (const subject of SCREEN_SUBJECTS) {
        subscriptions.push(await ctx.bus.subscribe(subject, `screen-${ctx.config.nodeId}-${subject.split('.')[0] ?? 'x'}`, (e) => service.onBusEvent(e)));
      }
    },
    async stop() {
      for (const s of subscriptions.splice(0)) await s.stop();
      service.stop();
    },
  };
}

export type { ScreenAudience, ScreenService } from './service.ts';
export type { Kpis, LiveAlarm, LiveEvent, ScreenScopeView, StreamMessage, TrendPoint } from './schemas.ts';
export type { DeviceFacts, ScopeFacts, ScreenScope } from './scope.ts';
export { createStreamHub, type StreamAudience, type StreamHub, type StreamHubOptions } from './stream.ts';
