/**
 * A local fake of an OpenAI-compatible chat completions endpoint, for the LLM engine's tests.
 * `behaviour` decides each answer: a valid structured answer, or one of the ways a real
 * endpoint fails (garbage, a schema violation, a hang, 429, 500, a dropped connection).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeOpenAiBehaviour =
  | 'valid'
  | 'invalid_json'
  | 'schema'
  | 'timeout'
  | '429'
  | '500'
  | 'no_json_schema'
  | 'injection'
  | 'reset';

export const VALID_ANSWER = {
  actionable: true,
  caseType: 'property_management',
  level: 'routine',
  summary: '5栋电梯坏了，联系13812345678',
  location: { building: '5栋', unit: null, street: null, landmark: null },
  confidence: 0.91,
};

export function completion(content: string) {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 0,
    model: 'fake',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
  };
}

export interface FakeOpenAi {
  baseURL: string;
  /** Every request received, in order. */
  requests: { body: any; auth?: string; behaviour: FakeOpenAiBehaviour }[];
  close(): Promise<void>;
}

/**
 * Starts the fake on a free loopback port. 'timeout' answers (validly) after `slowMs`
 * (default 1500 ms), later than the client waits.
 */
export async function startFakeOpenAi(opts: { behaviour: (body: any, index: number) => FakeOpenAiBehaviour; slowMs?: number }): Promise<FakeOpenAi> {
  const requests: FakeOpenAi['requests'] = [];
  const timers = new Set<NodeJS.Timeout>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}');
      const behaviour = opts.behaviour(body, requests.length);
      requests.push({ body, auth: req.headers.authorization, behaviour });
      const send = (status: number, obj: unknown) => {
        if (res.writableEnded || res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      switch (behaviour) {
        case 'valid':
          return send(200, completion(JSON.stringify(VALID_ANSWER)));
        case 'injection':
          // a model that obeyed the injected text would answer like this
          return send(200, completion(JSON.stringify({ status: '已办结' })));
        case 'invalid_json':
          return send(200, completion('当然！这是分类结果：{actionable: yes'));
        case 'schema':
          return send(200, completion(JSON.stringify({ ...VALID_ANSWER, caseType: 'closed', level: 'urgent' })));
        case 'timeout': {
          const t = setTimeout(() => {
            timers.delete(t);
            send(200, completion(JSON.stringify(VALID_ANSWER)));
          }, opts.slowMs ?? 1500);
          timers.add(t);
          return;
        }
        case '429':
          return send(429, { error: { message: 'rate limited' } });
        case '500':
          return send(500, { error: { message: 'boom' } });
        case 'reset':
          return req.socket.destroy();
        case 'no_json_schema':
          if (body.response_format?.type === 'json_schema') return send(400, { error: { message: 'response_format json_schema unsupported' } });
          return send(200, completion(JSON.stringify(VALID_ANSWER)));
      }
    });
  };
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
