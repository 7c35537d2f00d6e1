import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull, lt } from 'drizzle-orm';
import { inviteCodeFromBytes, inviteExpiresAt, inviteState, normalizeInviteCode } from '../../core/onboarding/invite-code.js';
import type { GroupPurpose } from '../../core/onboarding/onboarding-commands.js';
import type { Db } from '../client.js';
import { chats, departments, invites, onboardingFailures, orgNodes, roleAssignments } from '../schema.js';
import type { ChatRow, RoleName } from './directory-repository.js';

/** Only the hash of a code is stored: a database dump does not hand out roles. */
export const hashInviteCode = (normalized: string): string => createHash('sha256').update(`jiesu-invite:${normalized}`).digest('hex');

export type RedeemResult =
  | { ok: true; role: RoleName; nodeId: number; nodeCode: string; nodeName: string; already: boolean }
  | { ok: false; reason: 'unknown' | 'used' | 'expired' };

/** Invite codes, their redemption, wrong-guess bookkeeping and group bindings. */
export function createOnboardingRepository(db: Db) {
  return {
    /** A new one-time code for a role on a node; returns the display code (never stored). */
    async createInvite(input: { role: RoleName; nodeId: number; departmentId?: number | null; createdBy?: number | null; now?: Date }): Promise<{ code: string; expiresAt: Date }> {
      const now = input.now ?? new Date();
      for (let attempt = 0; attempt < 5; attempt++) {
        const code = inviteCodeFromBytes(randomBytes(32));
        if (!code) continue;
        const expiresAt = inviteExpiresAt(now);
        const [row] = await db
          .insert(invites)
          .values({
            codeHash: hashInviteCode(normalizeInviteCode(code)!),
            role: input.role,
            nodeId: input.nodeId,
            departmentId: input.departmentId ?? null,
            createdBy: input.createdBy ?? null,
            expiresAt,
            createdAt: now,
          })
          .onConflictDoNothing({ target: invites.codeHash })
          .returning({ id: invites.id });
        if (row) return { code, expiresAt };
      }
      throw new Error('could not create a unique invite code');
    },

    /**
     * Redeem a normalised code for a person: marks it used (once, atomically) and gives the
     * person the role. Redeeming again by the same person succeeds with `already`, so a
     * re-run job does not turn a success into a refusal.
     */
    async redeem(normalized: string, personId: number, now: Date = new Date()): Promise<RedeemResult> {
      const codeHash = hashInviteCode(normalized);
      return db.transaction(async (tx) => {
        const [claimed] = await tx
          .update(invites)
          .set({ usedAt: now, usedBy: personId })
          .where(and(eq(invites.codeHash, codeHash), isNull(invites.usedAt), gt(invites.expiresAt, now)))
          .returning();
        const invite = claimed ?? (await tx.select().from(invites).where(eq(invites.codeHash, codeHash)))[0];
        if (!invite) return { ok: false, reason: 'unknown' } as const;
        const state = claimed ? 'valid' : inviteState(invite, now);
        if (!claimed && !(state === 'used' && invite.usedBy === personId)) return { ok: false, reason: state === 'used' ? 'used' : state === 'expired' ? 'expired' : 'unknown' } as const;
        const inserted = await tx
          .insert(roleAssignments)
          .values({ personId, role: invite.role, nodeId: invite.nodeId, departmentId: invite.departmentId })
          .onConflictDoNothing()
          .returning({ id: roleAssignments.id });
        const [node] = await tx.select().from(orgNodes).where(eq(orgNodes.id, invite.nodeId));
        return { ok: true, role: invite.role, nodeId: invite.nodeId, nodeCode: node!.code, nodeName: node!.name, already: !claimed || !inserted.length } as const;
      });
    },

    /** Times of this account's wrong codes since `since`, newest first. */
    async recentFailures(channel: string, platformUserId: string, since: Date): Promise<Date[]> {
      const rows = await db
        .select({ at: onboardingFailures.at })
        .from(onboardingFailures)
        .where(and(eq(onboardingFailures.channel, channel), eq(onboardingFailures.platformUserId, platformUserId), gt(onboardingFailures.at, since)))
        .orderBy(desc(onboardingFailures.at))
        .limit(100);
      return rows.map((r) => r.at);
    },

    /** Record one wrong code; rows older than `pruneBefore` for this account are dropped. */
    async recordFailure(channel: string, platformUserId: string, at: Date, pruneBefore: Date): Promise<void> {
      await db.insert(onboardingFailures).values({ channel, platformUserId, at });
      await db
        .delete(onboardingFailures)
        .where(and(eq(onboardingFailures.channel, channel), eq(onboardingFailures.platformUserId, platformUserId), lt(onboardingFailures.at, pruneBefore)));
    },

    async departmentByCode(code: string) {
      const [row] = await db.select().from(departments).where(eq(departments.code, code));
      return row;
    },

    /** Bind a group chat to a node (only when it is unbound: a concurrent bind wins once). */
    async bindChat(chatId: number, input: { nodeId: number; purpose: GroupPurpose; boundBy: number; now?: Date }): Promise<ChatRow | undefined> {
      const [row] = await db
        .update(chats)
        .set({ nodeId: input.nodeId, purpose: input.purpose, boundBy: input.boundBy, boundAt: input.now ?? new Date() })
        .where(and(eq(chats.id, chatId), eq(chats.kind, 'group'), isNull(chats.nodeId)))
        .returning();
      return row;
    },

    async unbindChat(chatId: number): Promise<ChatRow | undefined> {
      const [row] = await db
        .update(chats)
        .set({ nodeId: null, purpose: null, boundBy: null, boundAt: null })
        .where(eq(chats.id, chatId))
        .returning();
      return row;
    },
  };
}

export type OnboardingRepository = ReturnType<typeof createOnboardingRepository>;
