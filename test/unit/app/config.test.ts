import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../app/config.js';

describe('configuration', () => {
  it('defaults to the embedded set-up', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({ PORT: 8080, HOST: '127.0.0.1', queueBackend: 'postgres', CLASSIFIER_ENGINE: 'offline' });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.dataDir.endsWith('.jiesu')).toBe(true);
  });

  it('sends directly up to DIRECT_SENDS at once (0: all through send jobs)', () => {
    expect(parseConfig({}).DIRECT_SENDS).toBe(32);
    expect(parseConfig({ DIRECT_SENDS: '0' }).DIRECT_SENDS).toBe(0);
    expect(() => parseConfig({ DIRECT_SENDS: '-1' })).toThrow(/DIRECT_SENDS/);
  });

  it('uses Redis when REDIS_URL is set', () => {
    expect(parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).queueBackend).toBe('redis');
  });

  it('names every bad variable in one error', () => {
    try {
      parseConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', CLASSIFIER_ENGINE: 'llm' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      for (const v of ['PORT', 'DATABASE_URL', 'LOG_LEVEL']) expect(msg).toContain(v);
    }
  });

  it('requires an endpoint for the LLM engines', () => {
    expect(() => parseConfig({ CLASSIFIER_ENGINE: 'hybrid' })).toThrow(/LLM_BASE_URL/);
    expect(parseConfig({ CLASSIFIER_ENGINE: 'llm', LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'm' }).CLASSIFIER_ENGINE).toBe('llm');
  });
});
