import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { decideUpload, defaultPolicyDir, loadPolicyDir, UploadPolicySchema, uploadRulesFor } from '@mamori/policies';

/** The extension decides with browser-extension/policy.js; it must agree with the agent's decideUpload. */
describe('the extension’s policy.js', () => {
  it('decides exactly as the agent does over the shipped list, domain rules, allow-lists and exceptions', () => {
    const sandbox: { mamoriPolicy?: { decideUpload: typeof decideUpload } } = {};
    runInNewContext(readFileSync(new URL('../../../../browser-extension/policy.js', import.meta.url), 'utf8'), { globalThis: sandbox });
    const shipped = loadPolicyDir(defaultPolicyDir);
    const now = Date.parse('2026-12-01T03:00:00Z');
    const upload = UploadPolicySchema.parse({
      ...shipped.upload,
      enforcement: {
        ...shipped.upload.enforcement, domains: { 'dropbox.com': 'block', 'docs.google.com': 'audit' }, allow_domains: ['corp.box.com'],
        exceptions: [{ category: 'generative_ai', until: '2026-12-01T04:00:00Z' }, { domain: 'wetransfer.com', until: '2026-12-01T02:00:00Z' }],
      },
    });
    const table = JSON.parse(JSON.stringify(uploadRulesFor(upload, shipped.categories, 'PC-1', 'u', now))) as ReturnType<typeof uploadRulesFor>;
    const hosts = [...Object.values(shipped.categories).flat(), 'www.dropbox.com', 'corp.box.com', 'app.box.com', 'x.example.net', 'WeTransfer.com.', 'evil-dropbox.com'];
    for (const host of hosts) {
      for (const at of [now, now + 2 * 3600_000]) {
        expect(sandbox.mamoriPolicy!.decideUpload(table, host, at), host).toEqual(decideUpload(table, host, at));
      }
    }
  });
});
