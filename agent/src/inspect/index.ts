export { compileContentRules, ruleLabel, type CompiledContentRules, type ContentFinding } from './common/content-rules.ts';
export { ContentScanner } from './common/content-scanner.ts';
export { encodeHashes, fingerprintText } from './common/fingerprint.ts';
export { inspect, type InspectResult, type InspectSource, type InspectedItem } from './node/inspect.ts';
export { highestSeverity, toContentInspection, toWireFinding } from './common/to-event.ts';
export type { InspectResultShape, InspectedItemShape } from './common/result-shape.ts';
export { ContentInspector } from './node/content-inspector.ts';
