// Terminal text layer for Scrapy's telnet console: the manhole is a VT100 program, so what it
// writes carries ANSI escapes and `\r\r\r\n` line ends. This layer turns it into plain text.

/**
 * Terminal text layer: turns what a VT100 program writes into plain text. Drops escape
 * sequences (CSI `ESC [ … final`, OSC/DCS strings up to BEL or `ESC \`, two- and three-byte
 * escapes like `ESC c`), every carriage return (the manhole ends lines with `\r\r\r\n`), NUL and
 * the other C0 controls except `\n` and `\t`. `ESC E` (next line) becomes `\n`. Streaming: an
 * escape split between two chunks is still removed.
 */
export class TerminalText {
  private state: 'text' | 'esc' | 'csi' | 'string' | 'stringEsc' | 'escArg' = 'text';

  push(input: string): string {
    let out = '';
    let runStart = -1;
    const flush = (end: number) => {
      if (runStart >= 0) out += input.slice(runStart, end);
      runStart = -1;
    };
    for (let i = 0; i < input.length; i++) {
      const c = input.charCodeAt(i);
      switch (this.state) {
        case 'text':
          if (c >= 0x20 && c !== 0x7f || c === 0x0a || c === 0x09) {
            if (runStart < 0) runStart = i;
          } else {
            flush(i);
            if (c === 0x1b) this.state = 'esc';
          }
          break;
        case 'esc':
          if (c === 0x5b /* [ */) this.state = 'csi';
          else if (c === 0x5d /* ] */ || c === 0x50 /* P */ || c === 0x5f /* _ */ || c === 0x5e /* ^ */) this.state = 'string';
          else if (c >= 0x20 && c <= 0x2f) this.state = 'escArg'; // ESC ( B, ESC # 8, …
          else {
            if (c === 0x45 /* E */) out += '\n';
            this.state = 'text';
          }
          break;
        case 'escArg':
          if (!(c >= 0x20 && c <= 0x2f)) this.state = 'text';
          break;
        case 'csi':
          if (c >= 0x40 && c <= 0x7e) this.state = 'text';
          else if (c < 0x20 || c > 0x7e) this.state = 'text'; // malformed: give up on it
          break;
        case 'string':
          if (c === 0x07) this.state = 'text';
          else if (c === 0x1b) this.state = 'stringEsc';
          break;
        case 'stringEsc':
          this.state = c === 0x5c /* \ */ ? 'text' : 'string';
          break;
      }
    }
    flush(input.length);
    return out;
  }
}
