import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rules (lint/layer-rules.js, wired in eslint.config.js) run on snippets placed at real paths: a
// forbidden import must be reported, its allowed twin must not, so a rule that stops matching fails here.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const eslint = new ESLint({ cwd: root });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('layer boundaries (eslint no-restricted-imports)', () => {
  it('keeps database drivers inside collector/src/store/', async () => {
    const code = "import Database from 'better-sqlite3';\nimport pg from 'pg';\nexport const x = [Database, pg];\n";
    expect(await restricted('collector/src/http/routes/example.ts', code)).toEqual([
      expect.stringContaining('only collector/src/store/ talks to a database driver'),
      expect.stringContaining('only collector/src/store/ talks to a database driver'),
    ]);
    expect(await restricted('collector/src/alerts/example.ts', code)).toHaveLength(2);
    expect(await restricted('collector/src/store/sqlite/repositories/example.ts', code)).toEqual([]);
  });

  it("keeps gRPC in the agent's uplink/ and the collector's ingest/", async () => {
    const code = "import * as grpc from '@grpc/grpc-js';\nimport { loadAgentServiceProto } from '@mamori/proto/grpc';\nexport const x = [grpc, loadAgentServiceProto];\n";
    expect(await restricted('collector/src/notify/example.ts', code)).toHaveLength(2);
    expect(await restricted('agent/src/sensors/usb/example.ts', code)).toHaveLength(2);
    expect(await restricted('collector/src/ingest/example.ts', code)).toEqual([]);
    expect(await restricted('agent/src/uplink/example.ts', code)).toEqual([]);
    // The neutral proto export carries no transport and stays allowed everywhere.
    expect(await restricted('collector/src/notify/example.ts', "import { encodeEvent } from '@mamori/proto';\nexport const x = encodeEvent;\n")).toEqual([]);
  });

  it('keeps the collector store free of feature folders', async () => {
    const code = "import type { Alert } from '../../../alerts/types.ts';\nimport { alertFeed } from '../../../alerts/alert-feed.ts';\nexport const x: Alert[] = [alertFeed];\n";
    expect(await restricted('collector/src/store/sqlite/queries/example.ts', code)).toEqual([
      expect.stringContaining('store/ imports no feature folder'),
      expect.stringContaining('store/ imports no feature folder'),
    ]);
    expect(await restricted('collector/src/store/sqlite/queries/example.ts', "import type { Alert } from '../../repositories/alerts.ts';\nexport const x: Alert[] = [];\n")).toEqual([]);
  });

  it('keeps agent common/ folders free of OS mechanisms', async () => {
    const code = "import { execFile } from 'node:child_process';\nimport { LinuxEnforcer } from '../linux/linux-enforcer.ts';\nexport const x = [execFile, LinuxEnforcer];\n";
    expect(await restricted('agent/src/control/common/example.ts', code)).toEqual([
      expect.stringContaining('common/ is OS-neutral'),
      expect.stringContaining('common/ is OS-neutral'),
    ]);
    expect(await restricted('agent/src/control/node/example.ts', "import { execFile } from 'node:child_process';\nexport const x = execFile;\n")).toEqual([]);
  });

  it("keeps device control out of sensors/, in its code and its tests, on every OS folder", async () => {
    const code = "import type { MountHub } from '../../sensors/usb/common/mount-hub.ts';\nimport { FakeUsbSensor } from '../../sensors/usb/common/fake-usb-sensor.ts';\nexport const x: MountHub[] = [FakeUsbSensor as never];\n";
    for (const path of ['agent/src/control/common/example.ts', 'agent/src/control/common/example.test.ts', 'agent/src/control/linux/example.ts', 'agent/src/control/create-example.ts']) {
      expect(await restricted(path, code), path).toEqual([
        expect.stringContaining('control/ does not reach into sensors/'),
        expect.stringContaining('control/ does not reach into sensors/'),
      ]);
    }
    // The neutral model is allowed, and control/common keeps its OS-neutral rule alongside the new one.
    expect(await restricted('agent/src/control/common/example.ts', "import type { MountHub } from '../../core/removable-media/mount-hub.ts';\nexport const x: MountHub[] = [];\n")).toEqual([]);
    expect(await restricted('agent/src/control/common/example.ts', "import { execFile } from 'node:child_process';\nexport const x = execFile;\n")).toEqual([expect.stringContaining('common/ is OS-neutral')]);
    expect(await restricted('agent/src/control/linux/example.ts', "import * as grpc from '@grpc/grpc-js';\nexport const x = grpc;\n")).toHaveLength(1);
    // The other way round stays open: the usb sensor feeds device control.
    expect(await restricted('agent/src/sensors/usb/common/example.ts', "import type { DeviceControl } from '../../../control/common/device-control.ts';\nexport type X = DeviceControl;\n")).toEqual([]);
  });

  it('lets the console import only types from the collector, and nothing from Node', async () => {
    const code = "import { alertPage } from '@mamori/collector/api';\nimport { startCollector } from '@mamori/collector';\nimport { readFile } from 'node:fs/promises';\nexport const x = [alertPage, startCollector, readFile];\n";
    expect(await restricted('console/src/features/alerts/example.tsx', code)).toEqual([
      expect.stringContaining('the console imports only types from the collector'),
      expect.stringContaining('the console imports only types from the collector'),
      expect.stringContaining('the console runs in a browser'),
    ]);
    // A relative path into the collector's source is code all the same.
    expect(await restricted('console/src/api/example.ts', "import { alert } from '../../../collector/src/api/alerts.ts';\nexport const x = alert;\n")).toHaveLength(1);
    expect(await restricted('console/src/api/example.ts', "import type { Alert, AlertPage } from '@mamori/collector/api';\nexport type X = [Alert, AlertPage];\n")).toEqual([]);
  });
});
