// The time webview's only channel to the extension, typed with its shared message declarations.
import type { FromTimeWebview } from '../extension/core/timeMessages';

declare function acquireVsCodeApi(): { postMessage(message: FromTimeWebview): void };

const api = acquireVsCodeApi();

export function send(message: FromTimeWebview): void {
  api.postMessage(message);
}
