// Debug Console lines over remote control: /execute returns only printed output, so a lone
// expression is wrapped to print its repr (as a REPL would); anything else runs as written.
import type { Localizer } from '../adapter/localize';
import type { ExecuteResult } from './remoteControlClient';

/** `asExpression`: print the value of `code` unless it is None; else `code` itself. */
export function consoleCode(code: string, asExpression: boolean): string {
  const trimmed = code.replace(/\s+$/, '');
  if (!asExpression) return trimmed;
  // Parenthesised on its own lines so a trailing comment cannot swallow the closing parenthesis.
  return `_lr_value = (\n${trimmed}\n)\nif _lr_value is not None: print(repr(_lr_value))`;
}

/** What the Debug Console shows for a result; `failed` for errors and timeouts. */
export function consoleResult(result: ExecuteResult, l10n: Localizer): { text: string; failed: boolean } {
  const cut = result.output_truncated ? `\n${l10n.t('[output cut by the crawl\'s remote control at REMOTE_CONTROL_OUTPUT_MAX_BYTES]')}` : '';
  const output = result.output.replace(/\n$/, '') + cut;
  switch (result.status) {
    case 'ok': return { text: output, failed: false };
    case 'timeout': return { text: [output, l10n.t('Timed out after {0} s; the crawl keeps running.', result.elapsed_sec.toFixed(1))].filter(Boolean).join('\n'), failed: true };
    default: return { text: [output, (result.traceback ?? '').replace(/\n$/, '')].filter(Boolean).join('\n'), failed: true };
  }
}
