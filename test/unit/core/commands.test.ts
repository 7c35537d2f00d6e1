import { describe, expect, it } from 'vitest';
import { formatCaseNumber, parseCaseNumber } from '../../../core/cases/case-number.js';
import { parseCommand } from '../../../core/commands/parse-command.js';
import { unknownSlashCommand } from '../../../core/commands/unknown-command.js';
import { MAX_PROCESSED_LENGTH, prepareText } from '../../../core/intake/prepare-text.js';

describe('parseCommand', () => {
  it.each([
    ['#1024', { kind: 'case_status', caseNumber: 1024 }],
    ['＃1024', { kind: 'case_status', caseNumber: 1024 }],
    ['查询 #1024', { kind: 'case_status', caseNumber: 1024 }],
    ['#1024 进度', { kind: 'case_status', caseNumber: 1024 }],
    ['/status 1024', { kind: 'case_status', caseNumber: 1024 }],
    ['/status@jiesu_bot #7', { kind: 'case_status', caseNumber: 7 }],
    ['我的工单', { kind: 'my_cases' }],
    ['/mycases', { kind: 'my_cases' }],
    ['帮助', { kind: 'help' }],
    ['/help', { kind: 'help' }],
  ])('reads %s', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each(['#1024号楼门口有垃圾', '路灯坏了 #1024 也是', '我的工单怎么还没人管', '', '#', '#abc'])('leaves %s to triage', (text) => {
    expect(parseCommand(text)).toBeNull();
  });
});

describe('unknownSlashCommand', () => {
  it.each([
    ['/case 123', '/case'],
    ['/Foo', '/foo'],
    ['  /unknown_command  ', '/unknown_command'],
  ])('names %s', (text, expected) => {
    expect(unknownSlashCommand(text)).toBe(expected);
  });
  it.each(['/', '//', '/sign@SomeOtherBot 1001', '／sign 1001', '/123', '路灯坏了 /case', '/case是什么', 'http://x.cn'])('leaves %s alone', (text) => {
    expect(unknownSlashCommand(text)).toBeNull();
  });
});

describe('case numbers', () => {
  it('formats and finds #<number>', () => {
    expect(formatCaseNumber(1001)).toBe('#1001');
    expect(parseCaseNumber('请看 ＃1001 的进度')).toBe(1001);
    expect(parseCaseNumber('没有编号')).toBeNull();
  });
});

describe('prepareText', () => {
  it('drops control characters and lone surrogates, trims, keeps emoji', () => {
    expect(prepareText('  \u0000垃圾\u0007没人收\ud800 😀 ')).toBe('垃圾没人收 😀');
  });

  it('cuts at 4,096 code points without splitting a surrogate pair', () => {
    const long = '😀'.repeat(MAX_PROCESSED_LENGTH + 10);
    const out = prepareText(long);
    expect(Array.from(out)).toHaveLength(MAX_PROCESSED_LENGTH);
    expect(out.endsWith('😀')).toBe(true);
  });

  it('treats whitespace-only text as empty', () => {
    expect(prepareText(' \n\t\u200b ')).toBe('');
  });
});
