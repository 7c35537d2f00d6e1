import type { IncomingMessage, ServerResponse } from 'node:http';

/** An HTTP answer other than 2xx, with a message for the caller. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(data);
}

/** Read a JSON body of at most `limit` bytes; 413 past it, 400 when it is not JSON. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  // Not `for await`: leaving that loop early destroys the socket, so the 413 never reached the
  // client (it saw a reset). Past the limit the rest of the body is read and dropped instead.
  const raw = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.once('end', () => (tooLarge ? reject(new HttpError(413, `请求体过大（上限 ${limit} 字节）`)) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.once('error', reject);
  });
  if (!raw.trim()) throw new HttpError(400, '请求体为空');
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, '请求体不是合法的 JSON');
  }
}
