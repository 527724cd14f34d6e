/**
 * The trading platform as the bot sees it in the end-to-end suite: a prom-client exporter whose golden-signal
 * gauges the test steers per version and track, scraped every second by Debian's real Prometheus, and the signed
 * deploy webhook that moves traffic and runs the rollback procedure.
 */
import { simCommitOf } from '../../../src/sim/deploy.ts';
import { startDeployWebhookPlatform, type DeployWebhookPlatform } from '../../fakes/deploy-webhook-platform.ts';
import { startPlatformExporter, type PlatformExporter } from '../../fakes/platform-exporter.ts';
import { canarySeries, HEALTHY, scraped, SECRET, setTrack, STABLE, type GoldenSignal } from '../../support/canary-rig.ts';
import { startPrometheus, type TestPrometheus } from '../../support/prometheus.ts';

export const PROMETHEUS_JOB = 'platform';

export interface Platform {
  exporter: PlatformExporter;
  prometheus: TestPrometheus;
  webhook: DeployWebhookPlatform;
  /** Serves healthy values for `version` on both tracks (its stable-track series is the baseline of the next release). */
  healthy(version: string): Promise<void>;
  /** Sets one signal of the canary track of `version`. */
  degrade(version: string, values: Partial<Record<GoldenSignal, number>>): void;
  /** Freezes Prometheus (SIGSTOP): queries hang until `resumePrometheus`. */
  pausePrometheus(): void;
  resumePrometheus(): void;
  close(): Promise<void>;
}

export async function startPlatform(versions: string[]): Promise<Platform> {
  const exporter = await startPlatformExporter();
  setTrack(exporter, STABLE, 'stable');
  const commits = Object.fromEntries([STABLE, ...versions].map((v) => [v, simCommitOf(v)]));
  const [prometheus, webhook] = await Promise.all([
    startPrometheus({ targets: [{ job: PROMETHEUS_JOB, url: exporter.url }], scrapeIntervalSeconds: 1 }),
    startDeployWebhookPlatform({ secret: SECRET, stable: STABLE, commits }),
  ]);
  let paused = false;
  const signal = (s: NodeJS.Signals) => process.kill(prometheus.pid, s);
  return {
    exporter,
    prometheus,
    webhook,
    async healthy(version) {
      setTrack(exporter, version, 'canary', HEALTHY);
      setTrack(exporter, version, 'stable', HEALTHY);
      await prometheus.waitForUp(PROMETHEUS_JOB);
      await scraped(prometheus.url, canarySeries('requests_per_second', version));
    },
    degrade: (version, values) => setTrack(exporter, version, 'canary', values),
    pausePrometheus() {
      signal('SIGSTOP');
      paused = true;
    },
    resumePrometheus() {
      signal('SIGCONT');
      paused = false;
    },
    async close() {
      if (paused) signal('SIGCONT');
      await prometheus.stop();
      await Promise.all([exporter.close(), webhook.close()]);
    },
  };
}
