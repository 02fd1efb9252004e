// Telnet passwords for scrapy-telnet sessions: kept in VS Code's SecretStorage per host:port,
// asked once in a password box when none is remembered or the remembered one was refused. Scrapy
// draws a new random password on every run, so a refused one is forgotten and asked again.
// Passwords never go to settings, launch.json, the output channel or an error message.
import * as vscode from 'vscode';
import type { PasswordStore, Target } from '../adapter/attachTarget';
import { targetLabel } from '../adapter/attachTarget';

const KEY_PREFIX = 'liveReferences.telnetPassword/';

export class TelnetPasswordStore implements PasswordStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** The remembered password, without asking. */
  remembered(target: Target): Thenable<string | undefined> {
    return this.secrets.get(KEY_PREFIX + targetLabel(target));
  }

  async get(target: Target, rejected: boolean): Promise<string | undefined> {
    if (!rejected) {
      const known = await this.remembered(target);
      if (known !== undefined) return known;
    }
    return vscode.window.showInputBox({
      title: vscode.l10n.t('Scrapy telnet console {0}', targetLabel(target)),
      prompt: rejected
        ? vscode.l10n.t('Wrong password. The crawl logs its telnet password when it starts: "Telnet Password: …".')
        : vscode.l10n.t('Password of the crawl\'s telnet console: its log says "Telnet Password: …" when it starts. It is remembered in VS Code\'s secret storage for this address.'),
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (/[\r\n\0]/.test(value) ? vscode.l10n.t('The password cannot contain a line break.') : undefined),
    });
  }

  async accepted(target: Target, password: string): Promise<void> {
    await this.secrets.store(KEY_PREFIX + targetLabel(target), password);
  }

  async rejected(target: Target): Promise<void> {
    await this.secrets.delete(KEY_PREFIX + targetLabel(target));
  }
}
