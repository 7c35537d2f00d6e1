/**
 * Traditional → Simplified Chinese for the offline classifier, so a message typed in
 * Traditional characters ("樓道裡一股煤氣味") meets the same rules and models as the
 * Simplified examples they were written and trained in. OpenCC's Taiwan → mainland tables
 * (`opencc-js`, data built in, nothing downloaded).
 *
 * Only texts that are Traditional are converted: OpenCC also rewrites a few characters that
 * Simplified text uses too (么 → 幺, 显著 → 显着, 坏 → 坯), so a Simplified message must pass
 * untouched. A text counts as Traditional when at least two of its characters, and at least
 * one in twelve of its Han characters, are ones OpenCC would change (Simplified complaint
 * texts: at most one in a few hundred; Traditional ones: one in three or four). That count
 * is a lookup per character in a set built once (~30 ms), so a Simplified message costs
 * well under a microsecond and only a Traditional one the conversion (~4 µs).
 */
import * as OpenCC from 'opencc-js/t2cn';

const HAN_FROM = 0x4e00;
const HAN_TO = 0x9fff;

export function createToSimplified(): (text: string) => string {
  const convert = OpenCC.Converter({ from: 'tw', to: 'cn' });
  // The characters of the main Han block that OpenCC changes on their own.
  const changes = new Uint8Array(HAN_TO - HAN_FROM + 1);
  for (let cp = HAN_FROM; cp <= HAN_TO; cp++) {
    const ch = String.fromCharCode(cp);
    if (convert(ch) !== ch) changes[cp - HAN_FROM] = 1;
  }
  return (text) => {
    if (typeof text !== 'string') return text;
    let han = 0;
    let traditional = 0;
    for (let i = 0; i < text.length; i++) {
      const cp = text.charCodeAt(i);
      if (cp < HAN_FROM || cp > HAN_TO) continue;
      han++;
      traditional += changes[cp - HAN_FROM]!;
    }
    return traditional >= 2 && traditional * 12 >= han ? convert(text) : text;
  };
}
