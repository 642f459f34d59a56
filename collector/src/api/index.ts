// The collector's HTTP API contract: zod schemas of what the console's routes return and accept, and the types
// inferred from them. Exported as `@mamori/collector/api`; the console imports only types from here (lint keeps it
// so), and this folder imports nothing but zod so no server code can reach a browser bundle.
// Every string that came from a PC (file names, subjects, device strings, user names) is untrusted text: render it
// as text, never as HTML.
export * from './alerts.ts';
export * from './pcs.ts';
export * from './logs.ts';
export * from './device-control.ts';
export * from './settings.ts';
export * from './risk.ts';
export * from './responses.ts';
