import type { Command } from '../command.js';
import { prune } from './prune.js';
import { reconcile } from './reconcile.js';
import { replay } from './replay.js';
import { requeue } from './requeue.js';
import { status } from './status.js';

/** Every command of the CLI, in the order `--help` lists them. */
export const commands: readonly Command[] = [status, requeue, replay, reconcile, prune];
