import { describe, expect, it } from 'vitest';
import { caseReceivedReply, myCasesReply } from '../../../core/cases/replies.js';
import { createKeywordClassifier } from '../../../core/classification/keyword-classifier.js';
import taxonomyFile from '../../../prompts/taxonomy.json' with { type: 'json' };

describe('caseReceivedReply', () => {
  it('mentions the reporter and shows #<number> and the type in Chinese', () => {
    const text = caseReceivedReply({ reporterName: '胡晓梅', caseNumber: 1001, typeName: '环境卫生', level: 'routine' });
    expect(text.startsWith('@胡晓梅 ')).toBe(true);
    expect(text).toContain('工单 #1001（环境卫生）');
    expect(text).not.toContain('119');
  });

  it('tells an emergency reporter to call 119 / 110 / 120 at once', () => {
    const text = caseReceivedReply({ reporterName: '曹阳', caseNumber: 7, typeName: '安全隐患', level: 'emergency' });
    for (const n of ['119', '110', '120']) expect(text).toContain(n);
  });

  it('says who has the case by when, once it is dispatched before the receipt goes out', () => {
    const dispatched = { handlerName: '网格员李建国', signDue: new Date('2026-11-23T03:00:00Z'), resolveDue: new Date('2026-12-01T10:00:00Z'), timezone: 'Asia/Shanghai' };
    const routine = caseReceivedReply({ reporterName: '胡晓梅', caseNumber: 1001, typeName: '环境卫生', level: 'routine', dispatched });
    expect(routine).toContain('已派给网格员李建国处理，11月23日 11:00 前签收，12月1日 18:00 前办结。');
    expect(routine).not.toContain('接下来将派给');
    const major = caseReceivedReply({ reporterName: '胡晓梅', caseNumber: 1002, typeName: '公共设施', level: 'major', dispatched });
    expect(major).toContain('重大问题，已派给网格员李建国处理');
    expect(major).toContain('报告负责人');
  });

  it('lists open cases, or says there are none', () => {
    expect(myCasesReply([])).toContain('没有');
    expect(myCasesReply([{ caseNumber: 3, typeName: '噪声扰民', statusName: '已受理' }])).toContain('#3 噪声扰民 · 已受理');
  });
});

describe('the keyword engine', () => {
  const classifier = createKeywordClassifier(taxonomyFile.entries);

  it('ignores chatter', async () => {
    for (const t of ['收到', '谢谢！', '👍👍', '好的', '早上好']) expect((await classifier.classify(t)).actionable, t).toBe(false);
  });

  it('classifies complaints by taxonomy keywords', async () => {
    const r = await classifier.classify('小区门口垃圾堆了好几天');
    expect(r).toMatchObject({ actionable: true, caseType: 'sanitation', level: 'routine', engine: 'keyword' });
  });

  it('marks fire and gas as emergencies', async () => {
    expect((await classifier.classify('3栋楼道着火了！')).level).toBe('emergency');
    expect((await classifier.classify('楼道里好大的煤气味')).level).toBe('emergency');
  });

  it("uses the offline engine's rules: what residents describe, and not what might happen", async () => {
    expect(await classifier.classify('楼下有个老人摔倒了，躺着一动不动')).toMatchObject({ actionable: true, level: 'emergency' });
    expect(await classifier.classify('整个小区停电一天了')).toMatchObject({ actionable: true, level: 'major' });
    expect((await classifier.classify('楼道堆满杂物，万一着火跑不掉')).level).toBe('routine');
  });
});
