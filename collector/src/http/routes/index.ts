import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './deps.ts';
import { printRoutes } from './print.ts';
import { mailRoutes } from './mail.ts';

type RoutePlugin = (app: FastifyInstance, deps: RouteDeps) => void | Promise<void>;

/** Every feature's API routes; features add theirs here, one line each. All live under /api. */
export const featureRoutes: RoutePlugin[] = [
  printRoutes,
  mailRoutes,
];
