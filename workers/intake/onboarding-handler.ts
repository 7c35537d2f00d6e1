import { DEFAULT_THROTTLE_RULES, throttleDecision, type ThrottleRules } from '../../core/onboarding/attempt-throttle.js';
import { looksLikeBareInviteCode, normalizeInviteCode } from '../../core/onboarding/invite-code.js';
import { parseOnboardingCommand, type GroupPurpose, type OnboardingCommand } from '../../core/onboarding/onboarding-commands.js';
import { bindReplies, helpReply, inviteReplies, whoAmIReply } from '../../core/onboarding/replies.js';
import { OrgTree } from '../../core/org/org-tree.js';
import type { DirectoryRepository } from '../../db/repositories/directory-repository.js';
import type { OnboardingRepository } from '../../db/repositories/onboarding-repository.js';
import type { IntakeContext, IntakeHandler } from './intake-handler.js';

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface OnboardingHandlerDeps {
  onboarding: OnboardingRepository;
  directory: DirectoryRepository;
  logger?: Log;
  now?: () => Date;
  throttle?: ThrottleRules;
}

/**
 * Onboarding in chat, for every channel: invite codes in a direct chat (`/start <code>`,
 * `绑定 <code>`, or the code alone), binding a group to a node (`/bind`, `绑定群`) and
 * undoing it, `我是谁`, and `帮助` listing what this person may do. Sees unbound groups,
 * but there takes only the bind command.
 */
export function createOnboardingHandler(deps: OnboardingHandlerDeps): IntakeHandler {
  const now = deps.now ?? (() => new Date());
  const rules = deps.throttle ?? DEFAULT_THROTTLE_RULES;

  const tree = async () => new OrgTree(await deps.directory.allNodes());
  const managesNode = (ctx: IntakeContext, t: OrgTree, nodeId: number) =>
    ctx.roles.some((r) => r.role === 'manager' && t.covers(r.nodeId, nodeId));

  async function redeem(ctx: IntakeContext, code: string): Promise<string> {
    if (ctx.chat.kind === 'group') {
      await ctx.reply(inviteReplies.inGroup, { mention: true });
      return 'command_refused';
    }
    const at = now();
    const channel = ctx.row.channel;
    const sender = ctx.row.senderPlatformId;
    const failures = await deps.onboarding.recentFailures(channel, sender, new Date(at.getTime() - rules.windowMs));
    const decision = throttleDecision(failures, at, rules);
    if (!decision.allowed) {
      deps.logger?.warn({ channel, inboundId: ctx.row.id, failures: failures.length, blocked: decision.blocked }, 'invite attempt throttled');
      await ctx.reply(inviteReplies.throttled(decision.retryAfterMs));
      return 'invite_throttled';
    }
    const normalized = normalizeInviteCode(code);
    const result = normalized ? await deps.onboarding.redeem(normalized, ctx.personId, at) : ({ ok: false, reason: 'unknown' } as const);
    if (result.ok) {
      deps.logger?.info({ personId: ctx.personId, role: result.role, node: result.nodeCode }, 'invite redeemed');
      await ctx.reply(result.already ? inviteReplies.alreadyHad(result.role, result.nodeName) : inviteReplies.accepted(result.role, result.nodeName));
      return 'invite_redeemed';
    }
    await deps.onboarding.recordFailure(channel, sender, at, new Date(at.getTime() - 24 * rules.windowMs));
    deps.logger?.warn({ channel, inboundId: ctx.row.id, reason: result.reason }, 'invite refused');
    await ctx.reply(inviteReplies[result.reason]);
    return 'invite_refused';
  }

  async function bind(ctx: IntakeContext, nodeCode: string | null, purpose: GroupPurpose | null): Promise<string> {
    if (ctx.chat.kind !== 'group') {
      await ctx.reply(bindReplies.onlyInGroup);
      return 'command_refused';
    }
    if (!nodeCode) {
      await ctx.reply(bindReplies.usage);
      return 'command_refused';
    }
    const node = (await deps.directory.nodeByCode(nodeCode)) ?? (await deps.directory.nodeByCode(nodeCode.toLowerCase()));
    if (!node) {
      await ctx.reply(bindReplies.unknownNode(nodeCode));
      return 'command_refused';
    }
    const t = await tree();
    if (!managesNode(ctx, t, node.id)) {
      await ctx.reply(bindReplies.notManager, { mention: true });
      return 'command_refused';
    }
    if (ctx.chat.nodeId !== null) {
      const current = t.node(ctx.chat.nodeId);
      if (ctx.chat.nodeId === node.id) {
        await ctx.reply(bindReplies.alreadyBound(node.name));
        return 'command';
      }
      await ctx.reply(bindReplies.boundElsewhere(current?.name ?? String(ctx.chat.nodeId)));
      return 'command_refused';
    }
    const p = purpose ?? 'residents';
    const bound = await deps.onboarding.bindChat(ctx.chat.id, { nodeId: node.id, purpose: p, boundBy: ctx.personId, now: now() });
    if (!bound) {
      await ctx.reply(bindReplies.boundElsewhere('其他节点'));
      return 'command_refused';
    }
    await deps.directory.addMember(ctx.chat.id, ctx.personId);
    deps.logger?.info({ chatId: ctx.chat.id, node: node.code, purpose: p, by: ctx.personId }, 'group bound');
    await ctx.reply(bindReplies.bound(node.name, node.code, p));
    return 'group_bound';
  }

  async function unbind(ctx: IntakeContext): Promise<string> {
    if (ctx.chat.kind !== 'group') {
      await ctx.reply(bindReplies.onlyInGroup);
      return 'command_refused';
    }
    if (ctx.chat.nodeId === null) {
      await ctx.reply(bindReplies.notBound);
      return 'command_refused';
    }
    const t = await tree();
    if (!managesNode(ctx, t, ctx.chat.nodeId)) {
      await ctx.reply(bindReplies.notManager, { mention: true });
      return 'command_refused';
    }
    const name = t.node(ctx.chat.nodeId)?.name ?? '';
    await deps.onboarding.unbindChat(ctx.chat.id);
    deps.logger?.info({ chatId: ctx.chat.id, nodeId: ctx.chat.nodeId, by: ctx.personId }, 'group unbound');
    await ctx.reply(bindReplies.unbound(name));
    return 'group_unbound';
  }

  async function whoami(ctx: IntakeContext): Promise<string> {
    const t = await tree();
    const boundNode = t.node(ctx.chat.nodeId);
    await ctx.reply(
      whoAmIReply({
        name: ctx.personName,
        roles: ctx.roles.map((r) => ({ role: r.role, nodeCode: r.nodeCode, nodeName: t.node(r.nodeId)?.name ?? r.nodeCode })),
        chat: {
          kind: ctx.chat.kind,
          boundTo: boundNode ? { nodeName: boundNode.name, nodeCode: boundNode.code, purpose: ctx.chat.purpose } : null,
        },
      }),
    );
    return 'command';
  }

  return {
    name: 'onboarding',
    seesUnboundGroups: true,
    async handle(ctx) {
      if (ctx.action) return null;
      let cmd: OnboardingCommand | null = parseOnboardingCommand(ctx.text);
      if (!cmd && ctx.chat.kind === 'direct' && looksLikeBareInviteCode(ctx.text)) cmd = { kind: 'redeem', code: ctx.text };
      if (!cmd) return null;
      const unbound = ctx.chat.kind === 'group' && ctx.chat.nodeId === null;
      if (unbound && cmd.kind !== 'bind_group') return null;
      switch (cmd.kind) {
        case 'redeem':
          return redeem(ctx, cmd.code);
        case 'bind_group':
          return bind(ctx, cmd.nodeCode, cmd.purpose);
        case 'unbind_group':
          return unbind(ctx);
        case 'whoami':
          return whoami(ctx);
        case 'help':
          await ctx.reply(helpReply({ roles: ctx.roles.map((r) => r.role), chatKind: ctx.chat.kind }));
          return 'command';
      }
    },
  };
}
