// Attaching to a crawl by pid over its remote control: read the job file (token at connect time,
// checks in jobFiles.ts), then GET /status to prove the server is this crawl's. Shared by the CLI
// (`--job PID`) and the `scrapy` debug adapter.
import { TransportError } from '../../../core/transportError';
import { english, Localizer } from '../adapter/localize';
import { defaultJobsDir, readJobToken, RemoteJob } from './jobFiles';
import { RemoteControlClient, RemoteStatus } from './remoteControlClient';
import { RemoteControlEvaluator } from './remoteControlEvaluator';

export interface RemoteAttachOptions {
  pid: number;
  jobsDir?: string;
  l10n?: Localizer;
  agentModuleKey?: string;
  statusTimeoutMs?: number;
}

export interface RemoteAttachment {
  job: RemoteJob;
  status: RemoteStatus;
  evaluator: RemoteControlEvaluator;
}

export async function connectRemoteControl(options: RemoteAttachOptions): Promise<RemoteAttachment> {
  const l10n = options.l10n ?? english;
  const { job, token } = readJobToken(options.pid, options.jobsDir ?? defaultJobsDir(), l10n);
  const client = new RemoteControlClient({ port: job.port, pid: job.pid, token }, l10n);
  let status: RemoteStatus;
  try {
    status = await client.status({ timeoutMs: options.statusTimeoutMs ?? 5_000 });
  } catch (error) {
    client.close();
    if (error instanceof TransportError && error.code === 'timeout') {
      throw new TransportError('timeout', l10n.t('The crawl with pid {0} did not answer /status on port {1} within {2} s: its event loop may be blocked. Try again later.', job.pid, job.port, Math.round((options.statusTimeoutMs ?? 5_000) / 1000)));
    }
    throw error;
  }
  if (status.pid !== job.pid) {
    client.close();
    throw new TransportError('protocol', l10n.t('Port {0} answers for pid {1}, not pid {2}: the job file {3} is stale.', job.port, status.pid, job.pid, job.file));
  }
  return { job, status, evaluator: new RemoteControlEvaluator(client, { l10n, agentModuleKey: options.agentModuleKey }) };
}
