import { unknownCommandReply } from '../../core/cases/replies.js';
import { unknownSlashCommand } from '../../core/commands/unknown-command.js';
import type { IntakeHandler } from './intake-handler.js';

/** Last of the handlers: a `/command` none of the others could read gets a short answer, not triage. */
export function createUnknownCommandHandler(): IntakeHandler {
  return {
    name: 'unknown-command',
    async handle(ctx) {
      const command = unknownSlashCommand(ctx.text);
      if (!command) return null;
      await ctx.reply(unknownCommandReply(command), { mention: true });
      return 'command_unknown';
    },
  };
}
