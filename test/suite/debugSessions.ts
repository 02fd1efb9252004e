// Debug sessions the in-host suites start as a user would (vscode.debug.startDebugging), with what
// their adapter said about them: the DAP events and the program's output.
import * as vscode from 'vscode';
import { orAfter, waitFor, withTimeout } from '../shared/waitFor';

export interface StartedSession {
  session: vscode.DebugSession;
  /** DAP events the adapter sent for this session, in order (stopped, continued, output…). */
  events: string[];
  /** The program's output as the adapter sent it (output events, telemetry left out). */
  output(): string;
  /** Resolves with the first match of `pattern` in the output (now or later). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves once VS Code has ended the session. */
  terminated: Promise<void>;
  /** Stops the session; resolves once it ended, or after 25 s at most. */
  stop(): Promise<void>;
}

interface DapEvent { type?: string; event?: string; body?: { category?: string; output?: string } }

/** Starts `configuration` (its name must be unique among running sessions); resolves once VS Code has started it. */
export async function startSession(configuration: vscode.DebugConfiguration, options: { folder?: vscode.WorkspaceFolder; timeoutMs?: number } = {}): Promise<StartedSession> {
  const { name } = configuration;
  const events: string[] = [];
  let output = '';
  const tracker = vscode.debug.registerDebugAdapterTrackerFactory(configuration.type, {
    createDebugAdapterTracker: (s) => (s.name !== name ? undefined : {
      onDidSendMessage: (m: DapEvent) => {
        if (m.type !== 'event' || !m.event) return;
        events.push(m.event);
        if (m.event === 'output' && m.body?.category !== 'telemetry') output += m.body?.output ?? '';
      },
    }),
  });
  let session: vscode.DebugSession;
  try {
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const sub = vscode.debug.onDidStartDebugSession((s) => { if (s.name === name) { sub.dispose(); resolve(s); } });
    });
    if (!await vscode.debug.startDebugging(options.folder, configuration)) throw new Error(`startDebugging returned false for '${name}'`);
    session = await withTimeout(started, options.timeoutMs ?? 30_000, `the debug session '${name}' to start`);
  } catch (error) {
    tracker.dispose();
    throw error;
  }
  const terminated = new Promise<void>((resolve) => {
    const sub = vscode.debug.onDidTerminateDebugSession((s) => { if (s.id === session.id) { sub.dispose(); resolve(); } });
  });
  return {
    session, events, terminated,
    output: () => output,
    waitForOutput: (pattern, timeoutMs = 30_000) => waitFor(`${pattern} in the output of '${name}'`, () => output.match(pattern), timeoutMs),
    stop: async () => {
      try {
        await orAfter(vscode.debug.stopDebugging(session), 10_000);
        await orAfter(terminated, 15_000);
      } finally {
        tracker.dispose();
      }
    },
  };
}
