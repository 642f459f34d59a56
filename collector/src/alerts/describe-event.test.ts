import { describe, expect, it } from 'vitest';
import { cleanText, describeEvent } from './describe-event.ts';

describe('alert titles from untrusted event text', () => {
  it('show a right-to-left override and other invisible characters as code points, line breaks as spaces', () => {
    expect(cleanText('report\u202Egpj.exe\r\nnext\u200B')).toBe('report⟨U+202E⟩gpj.exe next⟨U+200B⟩');
  });

  it('name the content findings of a copy', () => {
    const payload = { destinationPath: '/media/usb/名簿.xlsx', destinationRoot: '/media/usb', content: { findings: [{ label: 'a personal-data list (10 or more My Numbers)' }, { label: 'an individual number (My Number)' }] } };
    expect(describeEvent('file_copy', payload)).toBe('名簿.xlsx → /media/usb — a personal-data list (10 or more My Numbers), an individual number (My Number)');
  });
});
