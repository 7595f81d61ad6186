// Worker threads do not inherit the main thread's tsx loader hooks: register them, then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./fuzzWorker.ts');
