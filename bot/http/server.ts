import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleSimApi } from '../sim/sim-api.js';
import type { SimChannel } from '../sim/sim-channel.js';
import { HttpError, sendJson } from './json.js';

interface Log {
  error(obj: object, msg?: string): void;
}

const WEB_DIR = fileURLToPath(new URL('../sim/web/', import.meta.url));
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

export interface HttpServerOptions {
  sim?: SimChannel;
  /** Database and queue reachable? */
  health: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
  logger: Log;
  /** Platform webhooks (e.g. Telegram's): each returns true when it answered the request. */
  hooks?: ((req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>)[];
}

/** The local HTTP server: the sim page and API, and the health check. */
export function createHttpServer(opts: HttpServerOptions): Server {
  return createServer(async (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendJson(res, 400, { error: '无效的地址' });
    }
    try {
      if (url.pathname === '/healthz') {
        const h = await opts.health();
        return sendJson(res, h.ok ? 200 : 503, h);
      }
      for (const hook of opts.hooks ?? []) if (await hook(req, res, url)) return;
      if (opts.sim && (await handleSimApi(opts.sim, req, res, url))) return;
      const asset = STATIC[url.pathname];
      if (asset && opts.sim && (req.method === 'GET' || req.method === 'HEAD')) {
        const body = await readFile(path.join(WEB_DIR, asset.file));
        res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
        return res.end(req.method === 'HEAD' ? undefined : body);
      }
      throw new HttpError(404, `没有这个地址：${url.pathname}`);
    } catch (err) {
      if (err instanceof HttpError) return sendJson(res, err.status, { error: err.message });
      opts.logger.error({ err, path: url.pathname }, 'http request failed');
      if (!res.headersSent) sendJson(res, 500, { error: '服务器内部错误，请稍后重试' });
      else res.end();
    }
  });
}

export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : port;
}
