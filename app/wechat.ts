/**
 * WeChat, wired: the channel with its paced queue, the notice gate that keeps part of the
 * daily cap for case messages, and the alert to managers on the other channels when the
 * WeChat login is lost. The composition root imports this module (and so Wechaty) only when
 * WeChat is configured.
 */
import path from 'node:path';
import { and, count, eq, gte, inArray, ne } from 'drizzle-orm';
import { PacedSender, type PacerClock } from '../bot/wechat/paced-sender.js';
import { WechatChannel, type LoginLost, type WechatChannelOptions } from '../bot/wechat/wechat-channel.js';
import type { Db } from '../db/client.js';
import { createOutboundRepository } from '../db/repositories/outbound-repository.js';
import { chats, outboundMessages, roleAssignments } from '../db/schema.js';
import { jobOptionsFor, jobIds, sendQueueName, type SendJob } from '../workers/jobs.js';
import type { QueueBackend } from '../workers/queue-backend.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

export interface WechatSetup {
  channel: WechatChannel;
  /** For the notice service's `gates.wechat`: hold notices when the account is paused or near its cap. */
  noticeGate: { beforeSend(chat: { platformChatId: string }): Promise<{ retryAt: number } | void> };
}

export function loginLostText(info: LoginLost): string {
  return [
    `⚠️ 微信机器人账号${info.account ? `「${info.account}」` : ''}已掉线（${info.reason}）。`,
    '在重新登录之前，微信群和微信私聊里的消息无法接收，待发的回复和通知会暂存，登录后自动补发。',
    '请负责服务器的同事尽快查看 Jiesu 的运行日志，用机器人微信号扫描其中的登录二维码。',
  ].join('\n');
}

/**
 * Tell managers on every other configured channel: their managers' groups, or (where a
 * deployment has none) their direct chats with the bot.
 */
export async function alertManagersElsewhere(deps: { db: Db; queues: QueueBackend; channels: Iterable<string>; logger: Logger }, info: LoginLost): Promise<number> {
  const others = [...deps.channels].filter((c) => c !== 'wechat');
  if (!others.length) {
    deps.logger.error('the wechat login is lost and no other channel is configured to tell the managers');
    return 0;
  }
  let targets = await deps.db
    .select()
    .from(chats)
    .where(and(eq(chats.kind, 'group'), eq(chats.purpose, 'managers'), inArray(chats.channel, others), ne(chats.channel, 'wechat')));
  if (!targets.length) {
    targets = (
      await deps.db
        .selectDistinct({ chat: chats })
        .from(chats)
        .innerJoin(roleAssignments, eq(roleAssignments.personId, chats.personId))
        .where(and(eq(chats.kind, 'direct'), eq(roleAssignments.role, 'manager'), inArray(chats.channel, others)))
    ).map((r) => r.chat);
  }
  const outbound = createOutboundRepository(deps.db);
  const text = loginLostText(info);
  for (const chat of targets) {
    const id = await outbound.enqueue({
      dedupeKey: `wechat-login-lost:${info.at.getTime()}:${chat.id}`,
      channel: chat.channel,
      chatId: chat.id,
      platformChatId: chat.platformChatId,
      payload: { text },
    });
    await deps.queues.queue<SendJob>(sendQueueName(chat.channel)).add('send', { outboundId: id }, { ...jobOptionsFor(deps.queues.name), jobId: jobIds.send(id) });
  }
  deps.logger.warn({ chats: targets.length }, 'told the managers on other channels that the wechat login is lost');
  return targets.length;
}

/** What the account already sent today (before a restart), so the daily caps hold across restarts. */
export async function restoreTodaysCounts(db: Db, pacer: PacedSender): Promise<number> {
  const rows = await db
    .select({ chatId: outboundMessages.platformChatId, n: count() })
    .from(outboundMessages)
    .where(and(eq(outboundMessages.channel, 'wechat'), eq(outboundMessages.status, 'sent'), gte(outboundMessages.sentAt, new Date(pacer.todayStartsAt()))))
    .groupBy(outboundMessages.platformChatId);
  pacer.restoreToday(rows.map((r) => ({ chatId: r.chatId, room: r.chatId.endsWith('@chatroom'), count: Number(r.n) })));
  return rows.reduce((a, r) => a + Number(r.n), 0);
}

export async function createWechat(
  config: Config,
  deps: { db: Db; queues: QueueBackend; channels: () => Iterable<string>; logger: Logger; overrides?: Partial<WechatChannelOptions>; clock?: PacerClock },
): Promise<WechatSetup> {
  const logger = deps.logger.child({ channel: 'wechat' });
  const pacer = new PacedSender({
    minGapMs: config.WECHAT_MIN_GAP_MS,
    maxGapMs: config.WECHAT_MAX_GAP_MS,
    roomDailyCap: config.WECHAT_ROOM_DAILY_CAP,
    dailyCap: config.WECHAT_DAILY_CAP,
    failureThreshold: config.WECHAT_FAILURE_THRESHOLD,
    failureBackoffMs: config.WECHAT_FAILURE_BACKOFF_MINUTES * 60_000,
    tooFrequentBackoffMs: config.WECHAT_TOO_FREQUENT_BACKOFF_MINUTES * 60_000,
    timezone: config.JIESU_TIMEZONE,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  const sentToday = await restoreTodaysCounts(deps.db, pacer);
  if (sentToday) logger.info({ sentToday, dailyCap: config.WECHAT_DAILY_CAP }, 'wechat messages already sent today count against the caps');
  const channel = new WechatChannel({
    puppet: config.WECHATY_PUPPET,
    puppetToken: config.WECHATY_PUPPET_SERVICE_TOKEN,
    sessionName: path.join(config.dataDir, 'wechat', 'jiesu'),
    mediaDir: path.join(config.dataDir, 'wechat', 'media'),
    pacer,
    logger,
    onLoginLost: (info) => alertManagersElsewhere({ db: deps.db, queues: deps.queues, channels: deps.channels(), logger }, info).then(() => undefined),
    ...deps.overrides,
  });
  return {
    channel,
    noticeGate: {
      async beforeSend(chat) {
        const at = pacer.notBefore({ chatId: chat.platformChatId, room: chat.platformChatId.endsWith('@chatroom') }, config.WECHAT_NOTICE_SHARE);
        if (at) return { retryAt: at };
      },
    },
  };
}
