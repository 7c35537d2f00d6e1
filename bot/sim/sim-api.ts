import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { SimRequestError, type SimChannel } from './sim-channel.js';
import { HttpError, readJson, sendJson } from '../http/json.js';

const location = z.object({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  label: z.string().max(200).optional(),
});

const postMessageBody = z
  .object({
    from: z.string().min(1).max(64),
    // NUL cannot be stored in PostgreSQL text: dropped, as a chat platform would.
    text: z
      .string()
      .max(100_000)
      .transform((t) => t.replace(/\u0000/g, ''))
      .optional(),
    photo: z.string().max(4_000_000).optional(),
    location: location.optional(),
    replyTo: z.string().regex(/^\d{1,15}$/, 'must be a message id').optional(),
  })
  .refine((b) => b.text !== undefined || b.photo !== undefined || b.location !== undefined, {
    message: 'text、photo、location 至少要有一项',
  });

const actionBody = z.object({
  from: z.string().min(1).max(64),
  messageId: z.string().min(1).max(64),
  buttonId: z.string().min(1).max(128),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) {
    throw new HttpError(400, `请求格式不对：${r.error.issues.map((i) => `${i.path.join('.') || '(body)'} ${i.message}`).join('；')}`);
  }
  return r.data;
}

/** The sim JSON API (a contract other tools rely on). Returns false when the path is not its own. */
export async function handleSimApi(sim: SimChannel, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname;
  if (!path.startsWith('/api/sim/')) return false;
  try {
    if (path === '/api/sim/chats' && req.method === 'GET') {
      sendJson(res, 200, await sim.chats());
      return true;
    }
    const m = /^\/api\/sim\/chats\/([^/]+)\/(messages|actions)$/.exec(path);
    if (!m) throw new HttpError(404, `没有这个接口：${req.method} ${path}`);
    let chatId: string;
    try {
      chatId = decodeURIComponent(m[1]!);
    } catch {
      throw new HttpError(400, `会话编号的编码不对：${m[1]}`);
    }
    if (m[2] === 'messages' && req.method === 'GET') {
      const after = url.searchParams.get('after') ?? undefined;
      if (after !== undefined && !/^\d{0,15}$/.test(after)) throw new HttpError(400, 'after 必须是消息编号');
      sendJson(res, 200, await sim.messages(chatId, after || undefined));
      return true;
    }
    if (m[2] === 'messages' && req.method === 'POST') {
      const body = parse(postMessageBody, await readJson(req, 5_000_000));
      sendJson(res, 201, await sim.post(chatId, body));
      return true;
    }
    if (m[2] === 'actions' && req.method === 'POST') {
      const body = parse(actionBody, await readJson(req, 10_000));
      await sim.press(chatId, body);
      sendJson(res, 200, { ok: true });
      return true;
    }
    throw new HttpError(405, `不支持的方法：${req.method}`);
  } catch (err) {
    if (err instanceof SimRequestError) sendJson(res, err.status, { error: err.message });
    else throw err;
    return true;
  }
}
