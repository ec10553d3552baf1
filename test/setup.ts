import { installRuntime } from '../src/temporal/runtime';

// Tests want assertion output, not the SDK's webpack and state-change chatter.
installRuntime();
