/**
 * The command registry: one `register` per command group, in help order.
 * Add a group by importing its `register` here.
 */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export const COMMAND_GROUPS: readonly RegisterCommand[] = [];
