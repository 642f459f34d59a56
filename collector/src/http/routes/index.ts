import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './deps.ts';
import { printRoutes } from './print.ts';
import { pcRoutes } from './pcs.ts';
import { policyRoutes } from './policies.ts';
import { exceptionRoutes } from './exceptions.ts';
import { auditRoutes } from './audit.ts';
import { logRoutes } from './logs.ts';
import { mailRoutes } from './mail.ts';
import { accessRequestRoutes } from './access-requests.ts';
import { uploadRoutes } from './upload.ts';
import { alertRoutes } from './alerts.ts';
import { alertTriageRoutes } from './alert-triage.ts';
import { deviceRoutes } from './devices.ts';
import { evidenceKeyRoutes } from './evidence-key.ts';
import { logImportRoutes } from './log-imports.ts';
import { reportRoutes } from './reports.ts';
import { offlineRoutes } from './offline.ts';
import { directoryRoutes } from './directory.ts';
import { deviceControlRoutes } from './device-control.ts';
import { sensorHealthRoutes } from './sensor-health.ts';
import { settingsRoutes } from './settings.ts';
import { displayRoutes } from './display.ts';
import { riskRoutes } from './risk.ts';
import { alertExportRoutes } from './alert-export.ts';
import { uploadExceptionRoutes } from './upload-exceptions.ts';

type RoutePlugin = (app: FastifyInstance, deps: RouteDeps) => void | Promise<void>;

/** Every feature's API routes; features add theirs here, one line each. All live under /api. */
export const featureRoutes: RoutePlugin[] = [
  pcRoutes, policyRoutes, exceptionRoutes, auditRoutes, logRoutes,
  printRoutes,
  mailRoutes,
  accessRequestRoutes,
  uploadRoutes,
  alertRoutes,
  alertTriageRoutes,
  deviceRoutes,
  evidenceKeyRoutes,
  logImportRoutes,
  reportRoutes,
  offlineRoutes,
  directoryRoutes,
  deviceControlRoutes,
  sensorHealthRoutes,
  settingsRoutes,
  displayRoutes,
  riskRoutes,
  alertExportRoutes,
  uploadExceptionRoutes,
];
