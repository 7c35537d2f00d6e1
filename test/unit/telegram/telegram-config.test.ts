import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../app/config.js';

describe('Telegram configuration', () => {
  it('is off without a token, with Telegram’s limits as defaults', () => {
    const c = parseConfig({});
    expect(c.TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(c).toMatchObject({ TELEGRAM_RATE_PER_SECOND: 30, TELEGRAM_RATE_GROUP_PER_MINUTE: 20, TELEGRAM_RATE_GROUP_BURST: 3, TELEGRAM_RETRY_MAX_DELAY_SECONDS: 5 });
    expect(c.TELEGRAM_DOWNLOAD_PHOTOS).toBe(false);
    expect(parseConfig({ TELEGRAM_DOWNLOAD_PHOTOS: 'true' }).TELEGRAM_DOWNLOAD_PHOTOS).toBe(true);
  });

  it('takes a BotFather token and a self-hosted API root', () => {
    const c = parseConfig({ TELEGRAM_BOT_TOKEN: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', TELEGRAM_API_ROOT: 'http://127.0.0.1:8081' });
    expect(c.TELEGRAM_BOT_TOKEN).toBe('123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw');
    expect(c.TELEGRAM_API_ROOT).toBe('http://127.0.0.1:8081');
  });

  it('names a malformed token and a webhook without its secret', () => {
    expect(() => parseConfig({ TELEGRAM_BOT_TOKEN: 'not a token' })).toThrow(/TELEGRAM_BOT_TOKEN/);
    expect(() => parseConfig({ TELEGRAM_BOT_TOKEN: '1:a', TELEGRAM_WEBHOOK_URL: 'https://x.example/hook' })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(() => parseConfig({ TELEGRAM_WEBHOOK_SECRET: 'has spaces in it' })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(parseConfig({ TELEGRAM_BOT_TOKEN: '1:a', TELEGRAM_WEBHOOK_URL: 'https://x.example/hook', TELEGRAM_WEBHOOK_SECRET: 'abc_DEF-123' }).TELEGRAM_WEBHOOK_URL).toBe('https://x.example/hook');
  });
});
