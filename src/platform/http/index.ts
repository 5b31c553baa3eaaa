/** HTTP: one Fastify server, TypeBox schemas → OpenAPI 3.1, problem+json errors, metrics, rate limits. */
export { createHttpServer, type HttpApp, type HttpServerOptions, type RoutePlugin } from './server.ts';
export { problem, sendProblem, type Problem } from './problem.ts';
export { createMetrics, type Metrics } from './metrics.ts';
export { opsRoutes, type PlatformInfo, type ReadinessCheck } from './ops.ts';
export { createSseClients, sseFrame, type SseClient, type SseClients } from './sse.ts';
