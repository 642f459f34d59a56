import { describe, expect, it } from 'vitest';
import { revealText, spoofedExtension, visibleName } from './reveal-text.ts';

describe('text from PCs made visible', () => {
  it('shows bidi overrides, zero-width and other invisible characters as code points', () => {
    expect(revealText('report\u202Egpj.exe')).toBe('report⟨U+202E⟩gpj.exe');
    expect(revealText('pay\u200Broll\uFEFF.xlsx')).toBe('pay⟨U+200B⟩roll⟨U+FEFF⟩.xlsx');
    expect(revealText('a\u2066b\u2069\u0007')).toBe('a⟨U+2066⟩b⟨U+2069⟩⟨U+0007⟩');
    expect(revealText('顧客名簿　2024.xlsx')).toBe('顧客名簿　2024.xlsx');
  });

  it('tells the extension a person sees from the real one', () => {
    expect(visibleName('report\u202Egpj.exe')).toBe('reportexe.jpg');
    expect(spoofedExtension('/media/usb/report\u202Egpj.exe')).toEqual({ visible: '.jpg', real: '.exe' });
    expect(spoofedExtension('invoice.pdf.exe')).toEqual({ visible: '.pdf', real: '.exe' });
    expect(spoofedExtension('invoice.pdf                    .scr')).toEqual({ visible: '.pdf', real: '.scr' });
    expect(spoofedExtension('report.final.xlsx')).toBeUndefined();
    expect(spoofedExtension('setup.exe')).toBeUndefined();
  });
});
