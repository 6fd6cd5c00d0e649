import { describe, expect, it } from 'vitest';

import { showHidden } from '../../renderer/src/lib/format';

describe('showHidden: vendor text as the console shows it', () => {
  it('makes a right-to-left override visible, so a disguised file name reads as what it is', () => {
    // Rendered raw, "invoice\u202Etxt.exe" reads "invoiceexe.txt".
    expect(showHidden('invoice\u202Etxt.exe')).toBe('invoice⟨U+202E⟩txt.exe');
    expect(showHidden('from 198.51.100.7 \u202Etxt.exe\u202C')).toBe(
      'from 198.51.100.7 ⟨U+202E⟩txt.exe⟨U+202C⟩',
    );
  });

  it('shows isolates, marks, zero-width spaces and the BOM, and leaves ordinary and emoji text alone', () => {
    expect(showHidden('\u2067a\u2069 pay\u200Bpal \u200Fx \uFEFFy')).toBe(
      '⟨U+2067⟩a⟨U+2069⟩ pay⟨U+200B⟩pal ⟨U+200F⟩x ⟨U+FEFF⟩y',
    );
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
    expect(showHidden(`сервер-01 ${family} 服务器`)).toBe(`сервер-01 ${family} 服务器`);
  });
});
