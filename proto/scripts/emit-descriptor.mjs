// Writes src/gen/descriptor.ts: the parsed .proto files as a protobufjs JSON descriptor, so the codec and gRPC
// loader need no .proto files at run time (bundles and the single-executable agent carry them inside).
// Usage: node scripts/emit-descriptor.mjs [DIR] (default src/gen; generate.mjs passes its temporary folder).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => target;
root.loadSync(['mamori/v1/events.proto', 'mamori/v1/agent_service.proto'], { keepCase: false });
const json = JSON.stringify(root.toJSON());
writeFileSync(join(process.argv[2] ?? 'src/gen', 'descriptor.ts'), `import type { INamespace } from 'protobufjs';\n\nexport const descriptor = JSON.parse(${JSON.stringify(json)}) as INamespace;\n`);
