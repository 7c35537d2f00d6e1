import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../app/config.js';
import { loginLostText } from '../../../app/wechat.js';

describe('WeChat configuration', () => {
  it('is off unless a puppet is set or WECHAT_ENABLED, with safe pacing defaults', () => {
    const c = parseConfig({});
    expect(c.WECHATY_PUPPET).toBeUndefined();
    expect(c.WECHAT_ENABLED).toBe(false);
    expect(c).toMatchObject({ WECHAT_MIN_GAP_MS: 1000, WECHAT_MAX_GAP_MS: 3000, WECHAT_ROOM_DAILY_CAP: 80, WECHAT_DAILY_CAP: 800 });
    expect(parseConfig({ WECHATY_PUPPET: ' wechaty-puppet-service ', WECHATY_PUPPET_SERVICE_TOKEN: 'puppet_x' })).toMatchObject({
      WECHATY_PUPPET: 'wechaty-puppet-service',
      WECHATY_PUPPET_SERVICE_TOKEN: 'puppet_x',
    });
    expect(parseConfig({ WECHATY_PUPPET: '' }).WECHATY_PUPPET).toBeUndefined();
  });

  it('refuses a maximum gap below the minimum', () => {
    expect(() => parseConfig({ WECHAT_MIN_GAP_MS: '5000', WECHAT_MAX_GAP_MS: '1000' })).toThrow(/WECHAT_MAX_GAP_MS/);
  });

  it('tells managers what happened and what to do when the login is lost', () => {
    const text = loginLostText({ account: '接诉助手', reason: 'kicked out', at: new Date() });
    expect(text).toContain('「接诉助手」已掉线（kicked out）');
    expect(text).toContain('扫描');
  });
});
