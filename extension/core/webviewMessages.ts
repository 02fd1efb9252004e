// What the panels check before trusting a message from their webview: every message of either app
// (FromWebview in partitionMessages.ts, FromTimeWebview in timeMessages.ts) is an object with a
// string `type`.

export function isWebviewMessage<FromWebview extends { type: string }>(value: unknown): value is FromWebview {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
