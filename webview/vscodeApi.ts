// The webview's only channel to the extension, typed with the shared message declarations.
import type { FromWebview } from '../extension/core/partitionMessages';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function send(message: FromWebview): void {
  api.postMessage(message);
}
