// The stock graphile-worker CLI's configuration: `npx graphile-worker --once` (from the
// repository root, after `npm run build`) runs the dispatcher's own task list against
// DATABASE_URL with the dispatcher's environment (DOWNSTREAM_URLS, DELIVERY_*, …).
import { dispatcherCliPreset } from './apps/dispatcher/dist/cli-preset.js';

export default dispatcherCliPreset(process.env);
