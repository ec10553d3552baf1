import { DefaultLogger, Runtime } from '@temporalio/worker';

// Tests want assertion output, not the SDK's webpack and state-change chatter.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed in this worker process by an earlier test file.
}
