import { describe, expect, it } from 'vitest';
import { parseCaseCommand } from '../../../core/commands/parse-case-command.js';

describe('parseCaseCommand', () => {
  it.each([
    ['签收 #1001', { kind: 'act', action: 'sign', caseNumber: 1001, text: '' }],
    ['签收#1001', { kind: 'act', action: 'sign', caseNumber: 1001, text: '' }],
    ['/sign 1001', { kind: 'act', action: 'sign', caseNumber: 1001, text: '' }],
    ['/sign@jiesu_bot 1001', { kind: 'act', action: 'sign', caseNumber: 1001, text: '' }],
    ['进展 #1001 已联系物业，明天上午来修', { kind: 'act', action: 'progress', caseNumber: 1001, text: '已联系物业，明天上午来修' }],
    ['办结 ＃1001 垃圾已清运', { kind: 'act', action: 'resolve', caseNumber: 1001, text: '垃圾已清运' }],
    ['退单 #1001 不属于本网格', { kind: 'act', action: 'return', caseNumber: 1001, text: '不属于本网格' }],
    ['转派 #1001 hp-xf-02 属于第二网格', { kind: 'act', action: 'transfer', caseNumber: 1001, target: 'hp-xf-02', text: '属于第二网格' }],
    ['延期 #1001 3 需要等配件', { kind: 'act', action: 'request_extension', caseNumber: 1001, days: 3, text: '需要等配件' }],
    ['延期 #1001 3天 需要等配件', { kind: 'act', action: 'request_extension', caseNumber: 1001, days: 3, text: '需要等配件' }],
    ['同意延期 #1001', { kind: 'act', action: 'approve_extension', caseNumber: 1001, text: '' }],
    ['驳回延期 #1001 这点小事两天够了', { kind: 'act', action: 'refuse_extension', caseNumber: 1001, text: '这点小事两天够了' }],
    ['吹哨 #1001 城管', { kind: 'act', action: 'whistle', caseNumber: 1001, target: '城管', coRole: 'support', text: '' }],
    ['吹哨 #1001 派出所 主办', { kind: 'act', action: 'whistle', caseNumber: 1001, target: '派出所', coRole: 'lead', text: '' }],
    ['上报 小区北门井盖缺失', { kind: 'patrol', text: '小区北门井盖缺失' }],
    ['我也遇到', { kind: 'me_too', caseNumber: null }],
    ['我也遇到 #1001', { kind: 'me_too', caseNumber: 1001 }],
    ['1', { kind: 'rate', caseNumber: null, answer: { fixed: true, satisfaction: 'satisfied' }, comment: '' }],
    ['基本满意', { kind: 'rate', caseNumber: null, answer: { fixed: true, satisfaction: 'basically_satisfied' }, comment: '' }],
    ['#1001 不满意 态度太差', { kind: 'rate', caseNumber: 1001, answer: { fixed: true, satisfaction: 'unsatisfied' }, comment: '态度太差' }],
    ['未解决', { kind: 'rate', caseNumber: null, answer: { fixed: false, satisfaction: 'unsatisfied' }, comment: '' }],
  ])('reads %s', (text, expected) => {
    expect(parseCaseCommand(text)).toEqual(expected);
  });

  it.each([
    ['签收', '签收 #编号'],
    ['办结 #1001', '办结 #编号 处理结果（可附照片）'],
    ['退单 #1001', '退单 #编号 退回原因'],
    ['延期 #1001 原因', '延期 #编号 天数 原因'],
    ['延期 #1001 0 原因', '延期 #编号 天数 原因'],
    ['转派 #1001', '转派 #编号 接收人姓名或网格编码 原因'],
    ['上报', '上报 问题描述（网格员巡查发现的问题）'],
  ])('shows the right form for %s', (text, usage) => {
    expect(parseCaseCommand(text)).toEqual({ kind: 'malformed', usage });
  });

  it.each(['3号楼垃圾没人管', '签收快递的地方在哪', '#1001', '收到'])('leaves %s alone', (text) => {
    expect(parseCaseCommand(text)).toBeNull();
  });
});
