/**
 * `citybrain` — the platform's command line: start, demo, migrate, validate.
 * Runs straight from the checkout (bin/citybrain.mjs loads TypeScript through tsx).
 */
import fs from 'node:fs';
import { Command, Option } from 'commander';
import { configVariables, createLogger, isAppError, loadConfig } from '../kernel/index.ts';
import { ensureWebBuilt } from './web-build.ts';
import { phaseProgress } from './progress.ts';
import { validateCommand, validateKinds } from './validate.ts';
import { importFile } from './import.ts';
import { runQuality } from './quality.ts';

// The engines and modules load only for the commands that use them, so `validate` and `--help` stay quick.
const loadApp = () => import('../app.ts');
const platformVersion = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function envHelp(): string {
  return (
    '\nEnvironment:\n' +
    configVariables()
      .map((v) => `  ${v.env.padEnd(24)} ${v.description.replace(/^[A-Z_]+: /, '')}${v.default !== undefined ? ` (default ${JSON.stringify(v.default)})` : ''}`)
      .join('\n')
  );
}

/** Turn a failure into one clear line and an exit code (2 = bad configuration or usage). */
function fail(e: unknown): never {
  if (isAppError(e)) {
    err(`citybrain: ${e.message}`);
    process.exit(e.kind === 'invalid' ? 2 : 1);
  }
  const code = (e as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    const { address, port } = e as { address?: string; port?: number };
    err(`citybrain: ${address ?? ''}:${port ?? ''} is already in use — another OpenCityBrain or broker is running; set PORT (HTTP) or MQTT_PORT / MQTT_URL (MQTT)`);
    process.exit(1);
  }
  if (code === 'ECONNREFUSED') {
    err(`citybrain: cannot connect to ${(e as { address?: string }).address ?? ''}:${(e as { port?: number }).port ?? ''} — is the engine in DATABASE_URL / NATS_URL / REDIS_URL / MQTT_URL running?`);
    process.exit(1);
  }
  err(`citybrain: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
}

function parsePositiveInt(name: string) {
  return (v: string) => {
    if (!/^\d+$/.test(v)) throw new Error(`${name} must be a whole number, got ${JSON.stringify(v)}`);
    return Number(v);
  };
}

export function buildProgram(): Command {
  const program = new Command('citybrain')
    .description('OpenCityBrain 开放城市大脑 — city brain and integrated government data platform')
    .version(platformVersion)
    .showHelpAfterError()
    .addHelpText('after', envHelp());

  program
    .command('start')
    .description('start the platform: HTTP API and console, embedded engines, the demo city on first start')
    .option('--port <port>', 'HTTP port (overrides PORT)', parsePositiveInt('--port'))
    .option('--host <host>', 'HTTP bind address (overrides HOST)')
    .option('--no-demo', 'do not build the demo city on first start')
    .option('--no-web-build', 'do not (re)build the web console even if it is stale')
    .addHelpText('after', envHelp())
    .action(async (opts: { port?: number; host?: string; demo: boolean; webBuild: boolean }) => {
      try {
        if (opts.webBuild) await ensureWebBuilt(err);
        const { startPlatform } = await loadApp();
        const progress = phaseProgress();
        const platform = await startPlatform({
          port: opts.port,
          host: opts.host,
          buildDemo: opts.demo,
          waitForDemo: false,
          onDemoProgress: (p) => progress.update(p),
        });
        out(`OpenCityBrain ${platformVersion} — console: ${platform.url}/  API docs: ${platform.url}/docs`);
        out(`engines: database=${platform.db.engine} bus=${platform.bus.engine} mqtt=${platform.mqtt.mode}${platform.mqtt.port ? ` (port ${platform.mqtt.port})` : ''} cache=${platform.rateLimiter.engine}`);
        void platform.demoReady.then(() => progress.stop(), () => progress.stop());
        let signals = 0;
        const shutdown = (signal: string) => {
          if (++signals > 1) process.exit(1);
          err(`${signal}: shutting down…`);
          platform.stop().then(
            () => process.exit(0),
            (e: unknown) => fail(e),
          );
        };
        process.on('SIGINT', () => shutdown('SIGINT'));
        process.on('SIGTERM', () => shutdown('SIGTERM'));
      } catch (e) {
        fail(e);
      }
    });

  program
    .command('demo')
    .description('build the deterministic demo city (聊城 Liaocheng, 371500) into the database')
    .addOption(new Option('--people <n>', 'number of residents (up to the real 6 000 000)').argParser(parsePositiveInt('--people')))
    .addOption(new Option('--seed <n>', 'random seed; the same seed and size give the same city').argParser(parsePositiveInt('--seed')))
    .option('--force', 'rebuild even if a city of this size and seed exists')
    .addHelpText('after', envHelp())
    .action(async (opts: { people?: number; seed?: number; force?: boolean }) => {
      try {
        const config = loadConfig(process.env, { demoPeople: opts.people, demoSeed: opts.seed });
        const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
        const { openEngines, buildDemoCity } = await loadApp();
        const { db } = await openEngines(config, logger);
        const progress = phaseProgress();
        const started = Date.now();
        const result = await buildDemoCity(db, { people: config.demoPeople, seed: config.demoSeed, force: opts.force ?? false }, (p) => progress.update(p));
        progress.stop();
        const seconds = (Date.now() - started) / 1000;
        if (result.reused) out(`demo city already built (${result.people} people, seed ${result.seed}); use --force to rebuild`);
        else out(`demo city built: ${result.people} people, seed ${result.seed}, ${result.rows} rows in ${seconds.toFixed(1)} s (${Math.round(result.rows / seconds)} rows/s) on ${db.engine}`);
        await db.close();
      } catch (e) {
        fail(e);
      }
    });

  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .addHelpText('after', envHelp())
    .action(async () => {
      try {
        const config = loadConfig();
        const logger = createLogger({ level: 'warn' });
        const { openEngines } = await loadApp();
        const { db, applied } = await openEngines(config, logger);
        out(applied.length === 0 ? `database (${db.engine}) is up to date` : applied.map((m) => `applied ${m.module}/${m.name}`).join('\n'));
        await db.close();
      } catch (e) {
        fail(e);
      }
    });

  program
    .command('audit')
    .description('the tamper-evident audit log (审计日志)')
    .command('verify')
    .description('walk the SM3 hash chain of the audit log and name the first edited, deleted or reordered entry')
    .addHelpText('after', '\nExit status: 0 the chain is intact, 1 it was tampered with (the first bad entry is printed).')
    .action(async () => {
      try {
        const config = loadConfig();
        const { openEngines } = await loadApp();
        const { verifyAuditChain } = await import('../platform/index.ts');
        const { db } = await openEngines(config, createLogger({ level: 'warn' }));
        const r = await verifyAuditChain(db);
        await db.close();
        if (r.ok) out(`audit chain intact: ${r.entries} entries, head ${r.headHash}`);
        else err(`audit chain broken at entry ${r.firstBadSeq} (${r.problem}): ${r.message}`);
        process.exit(r.ok ? 0 : 1);
      } catch (e) {
        fail(e);
      }
    });

  program
    .command('validate')
    .description('check a resident ID number (id), unified social credit code (uscc) or division code (division)')
    .argument('<kind>', `one of: ${validateKinds.join(', ')}`)
    .argument('<value>', 'the value to check')
    .addHelpText('after', '\nExit status: 0 valid, 1 invalid (the reason is printed), 2 bad usage.\nExample: citybrain validate id 11010519491231002X')
    .action(async (kind: string, value: string) => {
      const r = await validateCommand(kind, value);
      (r.ok ? out : err)(r.text);
      process.exit(r.exitCode);
    });

  program
    .command('import')
    .description('load a CSV (UTF-8 or GBK), XLSX or JSON file into a catalogued resource of a running platform (大汇聚)')
    .argument('<resource-code>', 'the resource code in the catalog')
    .argument('<file>', 'the file to load')
    .option('--url <url>', 'the platform', `http://127.0.0.1:${process.env.PORT ?? '8080'}`)
    .option('--format <format>', 'csv, xlsx or json (default: from the file name)')
    .option('--api-key <key>', 'API key (default: CITYBRAIN_API_KEY)')
    .option('--map <列名=item>', 'map a file column to a data item (repeatable); 列名= leaves the column out', (v: string, prev: string[] = []) => [...prev, v])
    .addHelpText('after', '\nColumns match data items by name or title unless mapped; columns that match nothing are listed, not loaded.\nBad rows are quarantined, not fatal; the command prints where to download them.\nExit status: 0 loaded, 1 refused or failed.')
    .action(async (code: string, file: string, opts: { url: string; format?: string; apiKey?: string; map?: string[] }) => {
      try {
        const apiKey = opts.apiKey ?? process.env.CITYBRAIN_API_KEY;
        process.exit(await importFile(code, file, { url: opts.url, ...(opts.format ? { format: opts.format } : {}), ...(apiKey ? { apiKey } : {}), ...(opts.map ? { map: opts.map } : {}) }, out));
      } catch (e) {
        fail(e);
      }
    });

  program
    .command('simulate')
    .description("drive the demo city's sensors over real MQTT against a running platform (物联感知 simulator)")
    .option('--url <url>', 'the platform (management API)', `http://127.0.0.1:${process.env.PORT ?? '8080'}`)
    .option('--mqtt <url>', 'the broker the devices connect to (default: MQTT_URL, else the embedded broker at MQTT_HOST:MQTT_PORT)')
    .option('--api-key <key>', 'API key with iot.device.write (default: CITYBRAIN_API_KEY)')
    .addOption(new Option('--rate <n>', 'messages per second, all devices together').argParser(parsePositiveInt('--rate')).default(20))
    .addOption(new Option('--duration <s>', 'seconds; the run stops by itself').argParser(parsePositiveInt('--duration')).default(300))
    .addOption(new Option('--devices <n>', 'how many demo sensors to drive (default all)').argParser(parsePositiveInt('--devices')))
    .addOption(new Option('--scenario <name>', 'normal, or flood: rain and rivers rise past warning and danger levels, then recede').choices(['normal', 'flood']).default('normal'))
    .option('--register', 'register the demo sensors and default rules first (idempotent)')
    .addHelpText('after', '\nEach simulated device takes a fresh token (POST /api/iot/devices/{id}/token) and publishes QoS 1 readings with it.\nExample: citybrain simulate --register --scenario flood --duration 180 --rate 50')
    .action(async (opts: { url: string; mqtt?: string; apiKey?: string; rate: number; duration: number; devices?: number; scenario: 'normal' | 'flood'; register?: boolean }) => {
      try {
        const { simulate } = await import('./simulate.ts');
        const config = loadConfig();
        const apiKey = opts.apiKey ?? process.env.CITYBRAIN_API_KEY;
        const result = await simulate(
          {
            url: opts.url,
            mqttUrl: opts.mqtt ?? config.mqttUrl ?? `mqtt://${config.mqttHost}:${config.mqttPort}`,
            ...(apiKey ? { apiKey } : {}),
            rate: opts.rate,
            duration: opts.duration,
            ...(opts.devices ? { devices: opts.devices } : {}),
            scenario: opts.scenario,
            register: opts.register ?? false,
          },
          out,
        );
        process.exit(result.failed > 0 ? 1 : 0);
      } catch (e) {
        fail(e);
      }
    });

  program
    .command('devices')
    .description('IoT devices (物联设备) of a running platform')
    .command('rotate')
    .description('rotate device tokens and print the new credentials as CSV (deviceId,token) — shown only this once')
    .argument('[ids...]', 'device ids')
    .option('--missing-broker-account', "the devices whose account in the external broker has no password (registered before Mosquitto dynamic security was configured)")
    .option('--url <url>', 'the platform (management API)', `http://127.0.0.1:${process.env.PORT ?? '8080'}`)
    .option('--api-key <key>', 'API key with iot.device.read and iot.device.write (default: CITYBRAIN_API_KEY)')
    .addHelpText('after', '\nThe old tokens stop working at once (Mosquitto dynamic security) or within 30 s (embedded broker).\nExample: citybrain devices rotate --missing-broker-account > new-device-tokens.csv\nExit status: 0 rotated, 1 some request failed, 2 nothing to rotate was named.')
    .action(async (ids: string[], opts: { missingBrokerAccount?: boolean; url: string; apiKey?: string }) => {
      try {
        const { rotateDeviceTokens } = await import('./devices.ts');
        const apiKey = opts.apiKey ?? process.env.CITYBRAIN_API_KEY;
        process.exit(await rotateDeviceTokens({ url: opts.url, ...(apiKey ? { apiKey } : {}), ids, missingBrokerAccount: opts.missingBrokerAccount ?? false }, out, err));
      } catch (e) {
        fail(e);
      }
    });

  program
    .command('quality')
    .description('data quality (数据质量)')
    .command('run')
    .description('run the quality rules of a resource (or of every resource with rules) on a running platform, with progress')
    .argument('[resource-code]', 'the resource code in the catalog (default: every resource with enabled rules)')
    .option('--url <url>', 'the platform', `http://127.0.0.1:${process.env.PORT ?? '8080'}`)
    .option('--api-key <key>', 'API key with quality.run.execute and quality.rule.read (default: CITYBRAIN_API_KEY)')
    .addHelpText('after', '\nPrints each rule with its failing rows and a sample.\nExit status: 0 every rule passed, 3 some rule failed, 1 refused or a run failed.')
    .action(async (code: string | undefined, opts: { url: string; apiKey?: string }) => {
      try {
        const apiKey = opts.apiKey ?? process.env.CITYBRAIN_API_KEY;
        process.exit(await runQuality(code, { url: opts.url, ...(apiKey ? { apiKey } : {}) }, out));
      } catch (e) {
        fail(e);
      }
    });

  return program;
}

await buildProgram().parseAsync(process.argv);
