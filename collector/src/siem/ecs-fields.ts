/**
 * Every ECS field the JSON-lines export writes, with its ECS type, checked against the Elastic Common Schema
 * 9.4.0 field reference (the same schema the @elastic/ecs 9.4.0 type definitions, used by ecs-document.ts, are
 * generated from). `labels.*` are ECS custom keyword labels. Tests validate every exported line against this table.
 */
export const ECS_VERSION = '9.4.0';

export type EcsFieldType = 'date' | 'keyword' | 'long' | 'wildcard' | 'match_only_text' | 'nested' | 'object';

export const ecsFieldsUsed: Readonly<Record<string, EcsFieldType>> = {
  '@timestamp': 'date',
  'ecs.version': 'keyword',
  message: 'match_only_text',
  labels: 'object',
  'event.id': 'keyword',
  'event.sequence': 'long',
  'event.kind': 'keyword',
  'event.category': 'keyword',
  'event.type': 'keyword',
  'event.action': 'keyword',
  'event.outcome': 'keyword',
  'event.module': 'keyword',
  'event.dataset': 'keyword',
  'event.provider': 'keyword',
  'event.severity': 'long',
  'event.ingested': 'date',
  'event.hash': 'keyword',
  'log.level': 'keyword',
  'host.name': 'keyword',
  'host.hostname': 'keyword',
  'user.name': 'keyword',
  'agent.id': 'keyword',
  'agent.type': 'keyword',
  'agent.name': 'keyword',
  'file.path': 'keyword',
  'file.name': 'keyword',
  'file.directory': 'keyword',
  'file.size': 'long',
  'file.hash.sha256': 'keyword',
  'device.id': 'keyword',
  'device.serial_number': 'keyword',
  'device.type': 'keyword',
  'device.vendor.id': 'keyword',
  'device.vendor.name': 'keyword',
  'device.product.id': 'keyword',
  'device.product.name': 'keyword',
  'email.from.address': 'keyword',
  'email.to.address': 'keyword',
  'email.cc.address': 'keyword',
  'email.bcc.address': 'keyword',
  'email.subject': 'keyword',
  'email.message_id': 'wildcard',
  'email.attachments': 'nested',
  'email.attachments.file.name': 'keyword',
  'email.attachments.file.size': 'long',
  'email.attachments.file.mime_type': 'keyword',
  'email.attachments.file.hash.sha256': 'keyword',
  'url.full': 'wildcard',
  'url.domain': 'keyword',
  'user_agent.name': 'keyword',
  'rule.id': 'keyword',
  'rule.name': 'keyword',
  'related.user': 'keyword',
  'related.hosts': 'keyword',
  'related.hash': 'keyword',
};

/** ECS 9.4.0 allowed values of the categorisation fields this export sets. */
export const ecsAllowedValues: Readonly<Record<string, readonly string[]>> = {
  'event.kind': ['alert', 'asset', 'enrichment', 'event', 'metric', 'state', 'pipeline_error', 'signal'],
  'event.category': ['api', 'authentication', 'configuration', 'database', 'driver', 'email', 'file', 'host', 'iam',
    'intrusion_detection', 'library', 'malware', 'network', 'package', 'process', 'registry', 'session', 'threat', 'vulnerability', 'web'],
  'event.type': ['access', 'admin', 'allowed', 'change', 'connection', 'creation', 'deletion', 'denied', 'end', 'error', 'group',
    'indicator', 'info', 'installation', 'protocol', 'start', 'user'],
  'event.outcome': ['failure', 'success', 'unknown'],
};
