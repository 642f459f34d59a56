import { describe, expect, it } from 'vitest';
import { MailPolicySchema, parsePolicySources } from '@mamori/policies';
import { findCardNumbers, findMyNumbers, isValidMyNumber, maskSensitive, normalizeForScan, passesLuhn } from './detectors.ts';
import { evaluateMail, type MailFacts } from './mail-policy.ts';

const facts = (over: Partial<MailFacts> = {}): MailFacts => ({
  recipients: ['a@example.co.jp'], attachments: [], subject: 'hello', bodyText: 'hi', malformed: false, ...over,
});
const policy = (yaml: string) => parsePolicySources([{ name: 'mail.yaml', text: `mail:\n${yaml}` }]).mail;

describe('detectors', () => {
  it('accepts My Numbers only with the right check digit', () => {
    expect(isValidMyNumber('123456789018')).toBe(true);
    expect(isValidMyNumber('123456789017')).toBe(false);
    expect(findMyNumbers(normalizeForScan('番号：１２３４－５６７８－９０１８です'))).toEqual(['123456789018']);
    // part of a longer digit run (e.g. an order number) is not a My Number
    expect(findMyNumbers('order 9123456789018')).toEqual([]);
  });

  it('finds card numbers by Luhn and network prefix', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(findCardNumbers('card 4111 1111 1111 1111, amex 3782-822463-10005')).toEqual(['4111111111111111', '378282246310005']);
    expect(findCardNumbers('tracking 1111111111111117')).toEqual([]);
  });
});

describe('evaluateMail', () => {
  it('allows an internal mail by default', () => {
    expect(evaluateMail(policy('  internal_domains: [example.co.jp]\n'), facts()).action).toBe('allow');
  });

  it('blocks attachments to external domains and names them in the user message', () => {
    const p = policy('  internal_domains: [example.co.jp]\n  external_attachments: { action: block }\n');
    const d = evaluateMail(p, facts({
      recipients: ['a@example.co.jp', 'me@freemail.example'], attachments: [{ fileName: 'x.pdf', inline: false }],
    }));
    expect(d.action).toBe('block');
    expect(d.hits.map((h) => h.rule)).toEqual(['mail.external_attachments']);
    expect(d.userMessage).toContain('freemail.example');
    expect(d.userMessage).toContain('company policy');
  });

  it('does not count inline images, subdomains or allow-listed partners as external attachments', () => {
    const p = policy('  internal_domains: [example.co.jp]\n  allow_domains: [partner.example.com]\n  external_attachments: { action: block }\n');
    expect(evaluateMail(p, facts({ recipients: ['x@mail.example.co.jp', 'y@partner.example.com'], attachments: [{ fileName: 'a.pdf', inline: false }] })).action).toBe('allow');
    expect(evaluateMail(p, facts({ recipients: ['z@other.example'], attachments: [{ fileName: 'logo.png', inline: true }] })).action).toBe('allow');
  });

  it('warns when external recipients exceed the limit (Bcc counts: they are envelope recipients)', () => {
    const p = policy('  internal_domains: [example.co.jp]\n  external_recipients: { max: 2, action: warn }\n');
    const d = evaluateMail(p, facts({ recipients: ['a@x.example', 'b@x.example', 'c@y.example', 'd@example.co.jp'] }));
    expect(d.action).toBe('warn');
    expect(d.hits[0]?.detail).toBe('3 external recipients (limit 2)');
    expect(d.userMessage).toBe('');
  });

  it('blocks My Number in the body without echoing it, and checks subject and attachment names for keywords', () => {
    const p = policy([
      '  internal_domains: [example.co.jp]',
      '  patterns:',
      '    - { name: my_number, detector: my_number, action: block }',
      '    - { name: secret, keywords: [社外秘], action: warn }',
      '    - { name: project, regex: "project-\\\\d+", action: warn }',
    ].join('\n') + '\n');
    const d = evaluateMail(p, facts({ bodyText: '私の番号は 1234 5678 9018 です', subject: '【社外秘】資料', attachments: [{ fileName: 'PROJECT-42.zip', inline: false }] }));
    expect(d.action).toBe('block');
    expect(d.hits.map((h) => h.rule)).toEqual(['mail.patterns.my_number', 'mail.patterns.secret', 'mail.patterns.project']);
    expect(JSON.stringify(d)).not.toContain('9018');
  });

  it('refuses malformed mail only when the policy says so', () => {
    expect(evaluateMail(policy('  malformed: refuse\n'), facts({ malformed: true })).action).toBe('block');
    expect(evaluateMail(MailPolicySchema.parse({}), facts({ malformed: true })).action).toBe('allow');
  });

  it('rejects a pattern with two kinds of matcher, and a bad regex, with the field named', () => {
    expect(() => policy('  patterns:\n    - { name: x, keywords: [a], regex: b }\n')).toThrow(/mail\.patterns\.0/);
    expect(() => policy('  patterns:\n    - { name: x, regex: "(" }\n')).toThrow(/mail\.patterns\.0\.regex: must be a valid regular expression/);
  });
});

describe('maskSensitive', () => {
  it('masks My Numbers and card numbers, full-width digits included, and leaves other numbers', () => {
    expect(maskSensitive('番号 １２３４－５６７８－９０１８、カード 4111 1111 1111 1111、注文 2024-0001'))
      .toBe('番号 [My Number]、カード [card number]、注文 2024-0001');
  });
});
