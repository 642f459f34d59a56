import { describe, expect, it } from 'vitest';
import { defaultPolicyDir } from './index.ts';
import { loadPolicyDir, parsePolicySources, PolicyValidationError } from './load.ts';
import { decideUpload, uploadRulesFor } from './upload-decision.ts';

const now = Date.parse('2026-12-01T03:00:00Z');

function policy(enforcement: string, extra = '') {
  const text = `categories:\n  file_transfer: [firestorage.jp, gigafile.nu, wetransfer.com]\n  personal_cloud: [drive.google.com, dropbox.com]\n  organisation: [example.co.jp]\nupload:\n${extra}  enforcement:\n${enforcement}`;
  return parsePolicySources([{ name: 'upload.yaml', text }]);
}

describe('upload enforcement policy', () => {
  it('ships a block for file transfer, a warning for personal cloud and generative AI, audit for webmail', () => {
    const set = loadPolicyDir(defaultPolicyDir);
    const table = uploadRulesFor(set.upload, set.categories, 'PC-1', 'tanaka', now);
    expect(decideUpload(table, 'firestorage.jp', now)).toMatchObject({ mode: 'block', category: 'file_transfer' });
    expect(decideUpload(table, '97.gigafile.nu', now)).toMatchObject({ mode: 'block', category: 'file_transfer' });
    expect(decideUpload(table, 'wetransfer.com', now)).toMatchObject({ mode: 'block' });
    for (const host of ['drive.google.com', 'onedrive.live.com', 'www.dropbox.com', 'app.box.com']) {
      expect(decideUpload(table, host, now), host).toMatchObject({ mode: 'warn', category: 'personal_cloud' });
    }
    for (const host of ['chatgpt.com', 'gemini.google.com', 'claude.ai']) expect(decideUpload(table, host, now).mode, host).toBe('warn');
    for (const host of ['mail.google.com', 'mail.yahoo.co.jp']) expect(decideUpload(table, host, now)).toMatchObject({ mode: 'audit', category: 'webmail' });
    expect(decideUpload(table, 'unknown.example.net', now)).toMatchObject({ mode: 'allow', category: 'uncategorised' });
    expect(decideUpload(table, 'intranet.example.co.jp', now)).toMatchObject({ mode: 'allow', category: 'organisation' });
  });

  it('applies domain over category, allow-lists over both, and the most specific scope', () => {
    const set = policy([
      '    categories: { file_transfer: block, personal_cloud: warn }',
      '    domains: { dropbox.com: block, gigafile.nu: audit }',
      '    allow_domains: [corp.drive.google.com]',
      '    groups: { accounting: { pcs: [PC-ACCT-07], categories: { personal_cloud: block } } }',
      '    pcs: { PC-DEV-01: { domains: { firestorage.jp: warn } } }',
      '    users: { sato: { categories: { file_transfer: allow } } }',
    ].join('\n'));
    const at = (pc: string, user: string, host: string) => decideUpload(uploadRulesFor(set.upload, set.categories, pc, user, now), host, now);
    expect(at('PC-1', 'tanaka', 'www.dropbox.com')).toMatchObject({ mode: 'block', rule: 'upload.enforcement.domains.dropbox.com' });
    expect(at('PC-1', 'tanaka', 'gigafile.nu')).toMatchObject({ mode: 'audit', rule: 'upload.enforcement.domains.gigafile.nu' });
    expect(at('PC-1', 'tanaka', 'firestorage.jp')).toMatchObject({ mode: 'block', rule: 'upload.enforcement.categories.file_transfer' });
    expect(at('PC-1', 'tanaka', 'corp.drive.google.com')).toMatchObject({ mode: 'allow', rule: 'upload.enforcement.allow_domains.corp.drive.google.com' });
    expect(at('PC-1', 'tanaka', 'drive.google.com')).toMatchObject({ mode: 'warn' });
    expect(at('PC-ACCT-07', 'tanaka', 'drive.google.com')).toMatchObject({ mode: 'block', rule: 'upload.enforcement.groups.accounting.categories.personal_cloud' });
    expect(at('PC-DEV-01', 'tanaka', 'firestorage.jp')).toMatchObject({ mode: 'warn', rule: 'upload.enforcement.pcs.PC-DEV-01.domains.firestorage.jp' });
    expect(at('PC-1', 'sato', 'wetransfer.com')).toMatchObject({ mode: 'allow', rule: 'upload.enforcement.users.sato.categories.file_transfer' });
  });

  it('lifts a block with an exception until it expires, only where it applies', () => {
    const set = policy([
      '    categories: { file_transfer: block }',
      '    exceptions:',
      '      - { domain: wetransfer.com, pcs: [PC-ACCT-07], until: "2026-12-01T17:00:00+09:00", reason: auditor files }',
    ].join('\n'));
    const until = Date.parse('2026-12-01T08:00:00Z');
    const table = uploadRulesFor(set.upload, set.categories, 'PC-ACCT-07', 'tanaka', now);
    expect(decideUpload(table, 'wetransfer.com', now)).toEqual({ mode: 'allow', category: 'file_transfer', rule: 'upload.enforcement.exceptions.0', exceptionUntilMs: until });
    expect(decideUpload(table, 'firestorage.jp', now).mode).toBe('block');
    expect(decideUpload(table, 'wetransfer.com', until + 1).mode).toBe('block');
    expect(decideUpload(uploadRulesFor(set.upload, set.categories, 'PC-OTHER', 'tanaka', now), 'wetransfer.com', now).mode).toBe('block');
    expect(uploadRulesFor(set.upload, set.categories, 'PC-ACCT-07', 'tanaka', until + 1).exceptions).toEqual([]);
  });

  it('takes block_categories as shorthand for a block', () => {
    const set = policy('    domains: {}\n', '  block_categories: [personal_cloud]\n');
    expect(decideUpload(uploadRulesFor(set.upload, set.categories, 'PC-1', 'u', now), 'drive.google.com', now))
      .toMatchObject({ mode: 'block', rule: 'upload.block_categories.personal_cloud' });
  });

  it.each([
    ['    categories: { file_transfer: deny }\n', 'upload.enforcement.categories.file_transfer'],
    ['    domains: { "https://firestorage.jp/": block }\n', 'upload.enforcement.domains'],
    ['    allow_domains: [firestorage.jp]\n    domains: { firestorage.jp: block }\n', 'upload.enforcement.domains.firestorage.jp'],
    ['    exceptions:\n      - { domain: firestorage.jp, until: "tomorrow" }\n', 'upload.enforcement.exceptions.0.until'],
    ['    exceptions:\n      - { until: "2026-12-01T17:00:00+09:00" }\n', 'upload.enforcement.exceptions.0'],
    ['    blocked: [firestorage.jp]\n', 'upload.enforcement'],
  ])('rejects %j with the field and line', (enforcement, field) => {
    try {
      policy(enforcement);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyValidationError);
      const problem = (error as PolicyValidationError).problems[0]!;
      expect(problem.field.startsWith(field), `${problem.field}: ${problem.message}`).toBe(true);
      expect(problem.line).toBeGreaterThanOrEqual(7);
    }
  });

  it('applies exceptions pushed from the collector: by category or domain, per user, until they end', () => {
    const set = policy('    categories: { file_transfer: block, personal_cloud: warn }\n');
    const pushed = [
      { id: 'upx_1', domain: 'gigafile.nu', untilMs: now + 60_000, reason: 'auditor' },
      { id: 'upx_2', category: 'personal_cloud', user: 'sato', untilMs: now + 60_000 },
      { id: 'upx_3', domain: 'firestorage.jp', untilMs: now - 1 },
    ];
    const at = (user: string, host: string, nowMs = now) => decideUpload(uploadRulesFor(set.upload, set.categories, 'PC-1', user, now, pushed), host, nowMs);
    expect(at('tanaka', 'www.gigafile.nu')).toMatchObject({ mode: 'allow', rule: 'upload.exceptions.upx_1', exceptionUntilMs: now + 60_000 });
    expect(at('tanaka', 'wetransfer.com')).toMatchObject({ mode: 'block' });
    expect(at('tanaka', 'firestorage.jp')).toMatchObject({ mode: 'block' }); // expired before the table was made
    expect(at('sato', 'dropbox.com')).toMatchObject({ mode: 'allow', rule: 'upload.exceptions.upx_2' });
    expect(at('tanaka', 'dropbox.com')).toMatchObject({ mode: 'warn' }); // another user's exception
    expect(at('tanaka', 'gigafile.nu', now + 60_000)).toMatchObject({ mode: 'block' }); // the browser holds the end
  });
});
