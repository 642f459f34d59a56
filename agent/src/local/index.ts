export { createLocalServer, hostHeaderAllowed, isLoopbackAddress } from './local-server.ts';
export type { LocalRequest, LocalResponse, LocalRoute, LocalRoutes, LocalServer, LocalServerOptions } from './local-server.ts';
export { RateLimiter, type RateLimiterOptions } from './rate-limiter.ts';
