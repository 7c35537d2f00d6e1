/**
 * Rules that must hold whatever the trained model says: emergency / major level detection,
 * trivial chatter, location hints and the one-line summary. Pure.
 */
import type { CaseLevel, LocationHints } from './types.js';
import { maskPersonalData } from './mask-personal-data.js';

export interface LevelDetection {
  level: CaseLevel;
  /** The phrases that triggered the level. */
  reasons: string[];
  /** A taxonomy code suggested by the emergency kind (fire/gas → safety_hazard …), if any. */
  suggestedType?: string;
  /**
   * Emergency words the context made harmless (hypothetical, past, heard of elsewhere, every
   * day, a figure of speech): a model that knows the words but not the context should not
   * raise the message either.
   */
  suppressed?: string[];
  /** A notice, drill or safety lesson (reposted or announced): nothing it mentions is happening. */
  notice?: true;
  /**
   * The emergency words are in a story: something over (上周, 昨晚 with nothing going on), heard
   * of elsewhere, a false alarm explained, a joke or a dream. Such messages are mostly chatter.
   */
  told?: true;
  /**
   * A standing problem ("快一个星期了", "天天", "从来不拴绳") with nothing said to happen now:
   * no emergency words stood, and a model should not raise it either.
   */
  standing?: true;
}

interface LevelRule {
  re: RegExp;
  type?: string;
  /** A trigger that happens every day ("烟囱天天冒黑烟") is a standing nuisance, not an emergency. */
  habitualIsRoutine?: boolean;
}

// Emergencies: fire, smoke, gas, someone collapsed/unconscious, violence under way, drowning…
// Each kind in a few patterns: the words residents use for the thing itself ("着火", "煤气味"),
// for what they see ("黑烟滚滚", "躺着一动不动") and for the help they call ("快打119").
const EMERGENCY_RULES: LevelRule[] = [
  // fire and smoke
  { re: /(?<![打点不])着火(?!了吗)|着了火|烧着了|点着了|引燃|往上烧|烧上来|烧到(?:了)?[^，。！？]{0,6}(?:楼|家|屋|窗|房|棚|铺|店|仓库)|^\s*火\s*[!！]|真的?(?:着火|起火|失火)了?[^。]{0,4}不是(?:开玩笑|演习|演练|测试|玩笑)|冒(?:好|很)?大烟|烟感[^。]{0,12}(?:叫|响)[^。]{0,20}(?:焦|糊|烟味|有烟)|起火|失火|火灾(?!隐患|逃生|演练|预防|防范|知识|保险|报警)|(?<![\u4e00-\u9fa5])火(?![\u4e00-\u9fa5])[^。]{0,4}(?:快|救命|119)|烧起来|着起来了|自燃|火苗|火光|大火|明火|火势|火(?:很|好|太|特别|非常|挺|越来越)大|(?:有|起了?|冒)火(?![车锅腿气柴机候])|(?:桶|车|房|屋|楼|店|棚|堆|草|树|柜|箱)着了(?![吗么])|(?<!(?:爆炒|颠勺|炒)[^，。！？]{0,6})火(?:蹿|窜|冒)|冒火|火星子?|打火花|(?<!烧烤摊?[^，。！？]{0,6})冒烟|浓烟|冒黑烟|黑烟|(?:往外|一直|不停|直)冒黑(?!水|泥)|噼里啪啦[^。！？]{0,16}(?:黑|烟|往上飘|火|蓝光)|冒(?:蓝|火)光|(?:烧|焦)(?:塑料|胶皮|电线)的?味|(?:电箱|配电箱|电表箱|插座|电线)[^。！？]{0,8}(?:噼里啪啦|冒火|打火|冒蓝)|(?:红红的|通红)[^。！？]{0,6}(?:一闪一闪|闪)|冒出?黑(?:的|乎乎|色)(?!水)|(?:全|都|满)是烟(?![头蒂灰味])|(?:好多|很多|一大股|一屋子?|满屋子?|满楼道)烟(?![头蒂灰味酒花草])|(?<!(?:秸秆|烧纸|做饭)[^。]{0,8})(?<![油香抽吸])烟(?:很|好|太|特别)?大|呛得[^，。！？]{0,4}(?:不行|受不了|睁不开|喘不)|冒火花|爆炸|(?<!气|我要?|我先|我都|群里?|心态|脑子|头要?|肺都?|人都?|手机|评论区)炸了|(?:煤气|燃气|液化气|天然气|气罐|锅炉)[^，。！？]{0,3}爆|(?:车|房子|房间|屋|屋子|厨房|电动车|电瓶车|摩托车|汽车|仓库|店|铺子|棚)[^，。！？]{0,3}(?:烧了|烧着|在烧)|(?:浓|很大|好大|刺鼻)的?(?:烧焦|焦糊)味|焦味[^。！？]{0,8}(?:烟|看不清)|(?:打|叫|报)(?:了)?119|119[^。！？]{0,4}(?:快|来|打)/, type: 'safety_hazard', habitualIsRoutine: true },
  // gas
  { re: /煤气味|燃气味|(?:煤气|燃气|天然气|液化气)[^，。！？]{0,6}(?:好|很|特别)?大的?味|天然气味|液化气味|(?:煤气|燃气|天然气|液化气)的?(?:味道|味儿|气味|臭味)|(?:味道|气味)[^。！？]{0,6}(?:煤气|燃气|天然气|液化气)|(?:煤气|燃气|天然气|液化气)(?:管道?|罐|瓶|表|灶|阀门?)?[^。！？]{0,10}(?:泄[漏露]|漏(?:了|气)|在漏)|漏气|冒气|煤气中毒|一氧化碳中毒|(?:制氧机|呼吸机)[^。]{0,20}(?:快没电|没电了|停了|用不了)|(?:停电|没电)[^。]{0,20}(?:制氧机|呼吸机)|臭鸡蛋[^。]{0,10}(?:头晕|恶心|难受|喘)|(?:煤炉|炉子|烧炭|炭火|煤球|蜂窝煤)[^。]{0,30}(?:头晕|头疼|头痛|恶心|迷迷糊糊|想吐|晕乎)|(?:煤气|燃气|热水器)[^。]{0,30}(?:头晕|迷迷糊糊|想吐)|(?:热水器|燃气|煤气|灶|厨房|管道)[^。]{0,10}臭鸡蛋|有人中毒|(?:漏|泄漏|泄露)[^，。！？]{0,2}(?:氨气|氯气|毒气|有毒气体)|刺鼻[^。！？]{0,10}(?:味|气)[^。！？]{0,12}(?:流泪|眼睛疼|咳|头晕|喘)|(?:smell|smells|smelling|smelt|闻到)[^。！？]{0,12}\bgas\b|\bgas\b[^。！？]{0,6}(?:leak|smell|味)/i, type: 'safety_hazard' },
  // water, electricity, heights, people trapped or buried
  { re: /触电|电到人|落水|溺水|(?:掉|跌|摔|落|滑)咗?(?:到|进|下|入|落)[^，。！？]{0,6}(?:河|湖|江|海|水|池|塘|井|沟|下水道|粪池|坑|洞|窟窿)|(?:人|孩子|小孩|老人|女孩|男孩|娃|小哥|大爷|大妈)[^，。！？]{0,6}(?:掉|摔|跌|坠)(?:进|下)去了?|(?:在水里|河里|湖里|江里)[^，。！？]{0,4}扑腾|(?:河|湖|江|池塘|水塘|水库|水池)里有(?:个)?人(?=\s*$|[!！]|在(?:喊|扑腾|挣扎|漂|呼救))|有(?:个|人)[^，。！？]{0,6}(?:掉|摔|跌|坠)(?:进|下)去了|呛水|沉下去[^。！？]{0,8}(?:没上来|好一会|不见了)|没(?:浮|冒)上来|被电(?:倒|住|到|晕)|电住了|漏电[^。！？]{0,12}(?:倒了|不动|电死|电倒|电到)|(?:人|孩子|小孩|老人|女孩|男孩|娃)(?:从[^，。！？]{0,6})?(?:掉|摔|坠)下(?:去|来)|(?:河|江|湖|池塘|水塘|水池|井)边[^，。！？]{0,6}掉下去|(?<![充数耳])(?:电线|高压线|电缆)[^，。！？]{0,6}(?:掉下来|掉地上|断了|垂下来|落下来|打火|冒火|火花)|跳楼(?!价|大甩卖|甩卖|清仓)|坠楼|轻生|(?<!不是|不|没)(?:要|想)从[^，。！？]{0,10}(?:跳下去|跳下来|跳楼)|(?<!不是|不|没)(?:想|要|就)跳(?:楼|河|江|湖|桥|下去|下来)|(?:楼顶|天台|窗台|窗户外|阳台外|桥上|楼边|边上)[^。！？!?]{0,12}(?<!不是|不|没)(?:想|要)跳(?!舞|广场|绳|操)|(?:站|坐|骑|爬|蹲|趴|挂)在?[^，。！？]{0,8}(?:楼顶|天台|窗台|窗户外|阳台外|楼边|栏杆)|(?:楼顶|天台|窗台|栏杆|楼边)(?:边上|边|上)?(?:站着|坐着|骑着|爬着|趴着|挂着)|半个身子(?:都)?(?:在外面|探出)|往下跳|爬(?:到|出|上)[^，。！？]{0,4}(?:窗户?外|窗台|阳台外|栏杆外)|(?:人|孩子|小孩|老人|工人|大爷|大妈|阿姨)[^，。！？]{0,4}被(?:埋|压)(?!价|工资|钱|款)|被(?:埋|压)(?:住|在)(?!价)|压在(?:下面|底下|里面)|压着(?:一个|个)?人(?!行道)|冲进(?:了)?[^，。！？]{0,6}(?:河|湖|水池|池塘|水塘|水里)|(?:压住|压倒|砸中|砸到)(?:了)?[^，。！？]{0,8}(?:人|大爷|大妈|老人|孩子|小孩|工人|阿姨|奶奶|爷爷|女儿|儿子|闺女|我妈|我爸|老婆|老公|行人|路人)|(?<!(?:堵|挡)[^。！？]{0,8})(?:人|女的|男的|孩子|小孩|老人|老太太|老头|奶奶|爷爷|阿姨|司机|大爷|大妈)(?![^。！？]{0,12}进不去)[^。！？]{0,12}(?:出不来|爬不出来|拉不出来)(?!门)|(?:困|关|锁)在里面|电梯[^。！？]{0,8}出不来|被困(?!难)|困在[^，。！？]{0,10}电梯|电梯里[^，。！？]{0,2}(?:关着|困着)|关在[^，。！？]{0,10}电梯(?:里|内)|困人|电梯[^。！？，,]{0,6}困(?:了|住)|(?:困|关)(?:了|住)[^。！？，,]{0,8}在(?:电梯)?里(?:面|头)?|(?:塌|埋|(?<!高)压|困|卡|关|废墟|掉|陷|砸|落|倒)[^。！？]{0,8}(?:里面|下面|底下)有(?:个)?(?:人|孩子|小孩|老人)|卡在[^，。！？]{0,6}(?:中间|半空)[^。！？]{0,12}(?:人|孩子|小孩|老人)|(?:反锁|锁|困|关)在车里|车里[^。！？]{0,8}(?:有人|还有人)[^。！？]{0,8}(?:拍|敲)|(?:卷|压|拖)(?:到|进|在)[^，。！？]{0,2}车(?:底|下)|人还在(?:车)?(?:下面|底下)|车里(?:反锁|锁|关|困)着|砸到人|砸伤|有人受伤|(?:外墙|保温层|瓷砖|墙皮|墙砖|玻璃|广告牌|广告布|招牌|空调外机|脚手架|彩钢瓦|铁皮|树枝)[^。！？]{0,10}(?:正在|一直在?|还在|不停地?|接二连三地?|一块一块地?|一块接一块地?)[^。！？]{0,4}(?:往下|向下)?(?:掉|落|砸)|(?<!(?:站牌|牌子|杆子?|栏杆|护栏|柱子|树|墙|桩|箱子?|亭子?|灯|门|垃圾桶)(?:又|都)?)被(?:车|汽车|轿车|电动车|摩托车|货车|大车|渣土车|公交车)撞(?!歪|坏|断|弯|烂|变形)|撞(?:倒|飞|伤)了?(?:一个)?(?:人|老人|小孩|孩子|行人)|撞到人/, type: 'safety_hazard' },
  // someone collapsed, hurt or unconscious
  { re: /晕倒|昏倒|昏迷|昏过去|晕过去|晕在|(?:有人|人|老人|大爷|大妈|阿姨|奶奶|爷爷|孩子|小孩)[^，。！？]{0,3}晕了|不省人事|(?<!(?:上班|值班|保安|门卫)[^。！？]{0,12})(?:叫不醒|(?:叫|喊|拍|摇)[^，。,.]{0,4}(?:没反应|不醒|不理|不应|不答应|不回应))|一动不动|躺(?:着|在)[^，。！？]{0,8}(?:不动|没反应)|躺(?:着|在)?(?:地上|地下|路上|路边|楼道|门口|草地)[^，。！？]{0,4}(?:不动|没反应|起不来|没动静)|\b(?:fainted|passed out|unconscious|collapsed|not breathing|stopped breathing|heart attack|seizure)\b|没了呼吸|没有呼吸|没呼吸|心脏骤停|心脏病(?:发作|犯了|突发)|心梗|(?:谁会|会不会|需要|帮忙做?|快做)(?:心肺复苏|急救|人工呼吸)|(?:\bAED\b|除颤仪)[^，。！？]{0,4}(?:在哪|快拿|拿来|有没有)|(?:拿|找|取|借)[^，。！？]{0,4}(?:\bAED\b|除颤仪)|抽搐|抽筋倒地|口吐白沫|倒地|倒在地上|(?:有人|老人|大爷|大妈|阿姨|奶奶|爷爷|老太太|老头|小伙子?|姑娘|男的|女的)[^，。！？]{0,2}(?:倒了|倒下了)(?![^，。！？]{0,4}(?:垃圾|土|水|东西|好多|很多|一堆|一地))|(?:孩子|小孩|小朋友|宝宝|娃|孙子|孙女|外孙女?|小女孩|小男孩|女孩|男孩|老人|我爸|我妈|儿子|女儿|闺女|老头子?|老太太|老爷子|爷爷|奶奶|姥姥|姥爷|外公|外婆|老伴)[^，。！？的]{0,6}(?:不见了|走丢了|走失了)|(?:走丢|走失)的[，,。！!]|(?:帮忙|帮我|帮着)找(?:个|一个|一下)?(?:孩子|小孩|男孩|女孩|老人|老太太|老爷子)|(?:孩子|小孩|小女孩|小男孩|老人)[^，。！？]{0,4}(?:被)?(?:锁|关|反锁)在(?:阳台|门外|屋外|外面)[^。]{0,30}(?:零下|冻|哭|冷)|(?:孩子|小孩|娃|儿子|女儿|闺女|老爷子|老太太)丢了(?=\s|$|[，。！!？?])|(?:出去了|出门了?|走丢了|不见了)[^。]{0,20}(?:还没回来|没回来)[^。]{0,30}(?:痴呆|认知障碍|失智|糊涂|阿尔茨海默)|(?:问他|问她)[^，。！？]{0,4}(?:住哪|家在哪)[^，。！？]{0,4}(?:说不清|不知道|说不上来)|(?:痴呆|阿尔茨海默|糊涂|认知障碍|失智)[^。]{0,30}(?:跑出去了|走出去了|出去了|出门|走丢了|不见了|到现在都?没回来|还没回来|没回家)[^。！？]{0,10}(?:没回来|找不到|不见)?|(?:突然|一下子)倒下|(?:摔|跌)(?:倒|了|下来|下去|伤)?[^。！？]{0,8}(?:爬不起来|起不来|站不起来|动不了|不能动|出血|流血|不动|骨折|头破)|从[^，。！？]{1,8}(?:上|顶)?(?:摔|掉|跌|坠)下(?:来|去)|中风(?![后过]|了?[好几多一两三四五六七八九十]+年)|说不出话|喘不上气|喘不过气|呼吸困难|胸口(?:疼|痛|闷)得|大出血|(?:很多|好多|一地|满地|满身|满脸|不少)的?血(?!水)|(?:全|都|满)是血|头破血流|血流不止|头[都也]?(?:被)?(?:打|砸|摔|磕|撞)?破了?|(?:打|叫)(?:了)?120|(?:叫|打|喊|等)[^，。！？]{0,2}救护车|救护车[^，。！？]{0,3}还没(?:来|到)|敲门[^。！？]{0,4}(?:没人应|没人开|没反应|没回应|不应)|敲不开|(?:里面|屋里|门里)[^，。！？]{0,4}(?:有)?(?:哼哼|呻吟)|(?:[几两三四五]|好几)天没(?:拿|取)|说胡话|不(?:太)?认人|意识不清|神志不清|冒冷汗|(?:[几两三四五]|好几)天没(?:动静|开门)|没动静[^。！？]{0,3}(?:[几两三四五]|好几)天|(?:喝|吃|服)了?(?:农药|老鼠药|安眠药|毒药)|服毒|割腕|噎住|噎着了|卡(?:在|住)?(?:了)?喉咙|咳不出来|过敏[^。！？]{0,12}(?:肿|喘|呼吸|休克)|休克|哮喘(?:犯了|发作)|喘不动|嘴歪|口角歪|嘴(?:是|有点|都)?歪(?:的|了)|重影[^。]{0,20}(?:吐|头疼|头痛)|(?:吐|头疼|头痛)[^。]{0,20}重影|(?:一边|半边)(?:手|胳膊|脚|腿|身子|脸)[^，。！？]{0,4}(?:抬不起来|动不了|没知觉|麻了|发木)|说话含糊|中暑|踩空|从楼梯上?(?:摔|滚|跌)|(?:滚|摔)下楼梯|烫(?:伤|了一大片|起泡|掉皮)|(?:开水|热水|热油)[^，。！？]{0,8}(?:烫|浇)到|要生了|羊水破了|浑身冰凉|冻僵|失温|瘫(?:在地上|在地下|倒)|(?:打|叫|拨)了?120|120[^，。！？]{0,4}(?:多久|怎么还|还没|还在路上|快)|(?:抽|抽搐)起来了|抽风了|眼睛往上翻|翻白眼|蛇[^，。！？]{0,6}咬|被蛇|(?:狗|犬)[^。]{0,10}咬(?:人|伤|了)[^。]{0,30}(?:还在|正在)|(?:狗|犬)[^，。！？]{0,4}(?:正在|还在)[^，。！？]{0,4}(?:咬|追)|咬(?:了|出)?(?:好大|一个大|很大|很深|好深)[^，。！？]{0,2}(?:口子|伤口|窟窿)|(?:马蜂|黄蜂|蜂群|野蜂)[^。！？]{0,20}(?:追|到处飞|飞出来|乱飞)|(?:蛰|蜇)[^。！？]{0,20}(?:肿|睁不开|呼吸|喘|过敏|晕|好几下|十几下)|84[^。！？]{0,6}洁厕灵|洁厕灵[^。！？]{0,6}84|(?:吃|喝|吞|服)(?:了|下去了?|下)?[^，。！？]{0,6}(?:一整瓶|整瓶|一瓶|一把|好多|很多|大把)[^，。！？]{0,4}药|(?:一整瓶|整瓶|一瓶|一把)[^，。！？]{0,4}药[^，。！？]{0,4}(?:吃|喝|吞)(?:了|下去)|误食|误服|(?:吃|喝|吞)(?:了|下去了?)?[^，。！？]{0,4}(?:洗洁精|消毒液|洁厕灵|清洁剂|干燥剂|纽扣电池|老鼠药|杀虫剂|敌敌畏)|(?:脸|嘴唇|嘴|脸色)[^，。！？]{0,2}(?:发)?紫了?/, type: 'welfare_service' },
  // violence under way
  { re: /打人|殴打|砍人|互砍|砍伤|捅人|捅伤|行凶|持刀|持械|拿(?:着)?(?:菜刀|刀|铁棍|铁棒|钢管|斧头|凶器)|拿着(?:砖头|板砖|铁锹|锤子|棍子?)|拿(?:砖头|板砖|铁锹|锤子|棍子?)[^，。！？]{0,3}(?:砸|打|拍|追|砍|抡)|动刀|抢劫|抢(?:包|手机|钱|项链)|抢(?:了|走)[^，。！？]{0,8}(?:项链|包|手机|钱|东西)|打起来了|互相(?:砸|打|砍|捅|殴打)|还没停手|还在(?:打人|打架|打他|打她|动手)|动手了|动起手来|正在打|在打架|追[着住][^，。！？]{0,6}打|追打|砸[^，。！？死]{0,4}(?:保安|人)(?!命|行道|行路)|打架.{0,6}(?:刀|棍|血|砸|瓶)|打架.{0,10}(?:报警|快来)|围着打|围殴|群殴|打群架|(?<!(?<!被)(?:狗|猫|鸟|鸽子|兔子)[^。！？]{0,20})流血|家暴|打(?:他|她)?(?:媳妇|老婆|老公|妻子|丈夫|孩子|小孩|老人)|(?:要|说要|扬言)[^，。！？]{0,2}(?:杀|弄死|打死|砍死|整死)|杀人|杀了(?:她|他|你|我)(?!吧)|绑架|劫持|对着(?:小孩|孩子|女孩|学生|小朋友)[^，。！？]{0,4}(?:脱裤子|露)|(?:往|拖|拽|拉|抱)[^，。！？]{0,4}(?:车里|车上)拽?|拐(?:走|卖)|放火|纵火|(?:要|说要|扬言)[^，。！？]{0,4}烧了|狗[^。！？]{0,12}(?:在咬|咬住|咬着|扑倒)|互殴|(?:哭喊|哭着喊|喊着)[^。！？]{0,4}(?:不要打|别打)|(?:打|揍)(?:他|她)(?:妈|爸|母亲|父亲|奶奶|爷爷)(?!的)|(?:喊|叫|呼|听到|传来)[^，。！？]{0,4}救命|救命[^，。！？]{0,2}(?:快来|快救|来人)|(?:快|赶紧)(?:报警|打110)|(?:打|报)了?110/, type: 'public_security' },
  // fire and smoke written in English ("smoke everywhere in the staircase"), not the fire exit or a smoker
  { re: /\bon fire\b|\b(?:smoke|fire|flames?)\s+(?:everywhere|coming|pouring|in (?:the|our|my)|from|all over)|(?:full of|lots of|thick|black|so much|heavy)\s+(?:smoke|flames?)|\bflames\b|\b(?:is|are|it's)\s+burning\b/i, type: 'safety_hazard' },
  // a burglar at the door or still inside; someone followed home and still lurking
  { re: /(?:正在|在|正)[^，。！？]{0,6}撬[^，。！？]{0,8}(?:门|锁|窗|车)(?![^。]{0,30}(?:抓到|抓住|跑了|走了))|(?:撬|被撬)[^。！？]{0,24}(?:人[^，。！？]{0,4}还在(?:屋|家|里)|(?:屋|家|里面|房)[^，。！？]{0,4}(?:有(?:动静|声音|响动)|还有人))|(?:小偷|贼)[^，。！？]{0,6}(?:还在|正在)(?:我家|屋里|家里|里面)|(?:翻|闯|爬|钻|摸)进(?:了)?(?:我家|家里|屋里|屋|房间|卧室)|(?:陌生人|陌生男的?|歹徒)[^，。！？]{0,8}(?:进了?|在|躲在)(?:我家|家里|屋里)|我(?:躲|藏|抱着孩子躲)在(?:卧室|厕所|卫生间|房间|柜子|屋里|楼道|邻居家)|(?:跟着|尾随|跟踪)[^。！？]{0,16}(?:现在|还在)[^。！？]{0,12}(?:转悠|徘徊|不走|蹲着|守着|躲)|(?:跟着|尾随|跟踪)(?:我|孩子|女儿|女孩|小孩|她)[^。]{0,30}(?:快来|救命|报警)/, type: 'public_security' },
  // signs of a suicide being prepared or just done
  { re: /(?:烧炭|炭盆)[^。]{0,20}(?:封(?:死|住|上|了|着)|胶带|活不|不想活|反锁)|(?:敲门不开|不开门|联系不上)[^。]{0,20}(?:烧炭|炭)味|门缝[^，。！？]{0,6}(?:烧炭|炭)味|(?:封(?:死|住|上|了|着)|胶带|活不下去|不想活|反锁)[^。]{0,20}(?:烧炭|炭盆)|遗书|安眠药[^。]{0,20}(?:攒了|一瓶|一整瓶|全吃|都吃)|(?:活够了|不想活了?)[^。]{0,40}(?:安眠药|今晚就)|(?:活着没意思|不想活了?|活不下去了?|这辈子太累)[^。]{0,40}(?:楼顶|天台|说声再见|永别|再见了)|(?:天台|楼顶|桥上|河边|江边|湖边)[^。]{0,10}(?:鞋|拖鞋)[^。]{0,20}(?:信|纸条)/, type: 'welfare_service' },
  // a threat with petrol, a scuffle going on, car windows smashed now
  { re: /(?:砸|撬)[^，。！？]{0,4}车(?:窗|门)[^。]{0,16}(?:现在|还在|正在)|(?:现在|还在|正在)[^，。！？]{0,6}(?:砸|撬)[^，。！？]{0,4}车(?:窗|门)|汽油[^。]{0,12}(?:点火|点着|烧)|(?:要|说要|扬言)[^，。！？]{0,4}点火|推搡[^。]{0,20}(?:现在|还在)|(?:现在|还在)[^。]{0,10}推搡/, type: 'public_security' },
  // an open lift shaft; scaffolding, a crane or a house come down
  { re: /(?:脚手架|塔吊|房子|楼房|棚子|吊顶|天花板)(?:突然|整个)?(?:塌了|倒了|垮了|塌下来)|阳台[^，。！？]{0,4}(?:塌了|塌下来|掉下来)|(?:轿厢不在|电梯井)[^。]{0,24}(?:开着|踩空|掉下去|掉进去)|电梯门开着[^。]{0,10}轿厢不在/, type: 'safety_hazard' },
  // a child hours late, a search for a missing person, a snake where children play, a farewell
  // with pills or silence
  { re: /(?:孩子|儿子|女儿|闺女|小孩|女孩|男孩|娃|小宝|宝宝|孙子|孙女|外孙女?)[^。]{0,20}(?:还没(?:到家|回来|回家)|没回家|没回来|没到家|现在[^。]{0,6}了)[^。]{0,40}(?:找了|求大家|帮忙找|关机|联系不上|电话不接|打不通|找不到|找不着|有没有人看[到见]|谁(?:看|见)[到见]|有人(?:看|见)[到见])|有没有人看到[^。]{0,12}(?:男孩|女孩|孩子|小孩|老人|老太太|老头|老爷子)|蛇[^。]{0,20}(?:小孩|孩子)[^。]{0,8}(?:还在|在玩|旁边)|(?:这辈子太累|不想活了|活着没意思|活不下去了?|再见了)[^。]{0,40}(?:药瓶|药片|电话(?:也)?不接|联系不上|不回)|(?:药瓶|药片)[^。]{0,40}(?:这辈子太累|不想活|活着没意思|活不下去)/, type: 'welfare_service' },
  // a small child alone by the traffic, or lost and crying for its parents
  { re: /(?:娃|孩子|小孩|小朋友|宝宝|小女孩|小男孩)[^。！？]{0,12}(?:自己|一个人|没大人|没人管|没人看着)[^。！？]{0,10}(?:马路|路中间|车道|公路|大路|路上)|(?:娃|孩子|小孩|小朋友|宝宝|小女孩|小男孩)[^，。！？]{0,6}哭着?(?:找|喊|叫)(?:妈妈|爸爸|妈|爸)/, type: 'welfare_service' },
  // a scam under way (the "safe account" of fake police), a lock being forced with the person
  // still there, and the same in English
  { re: /(?:转|汇|打)[^。！？]{0,6}安全账户[^。]{0,20}(?:现在|正在|马上|在银行|柜台|要去|去银行|拦)|(?:现在|正在|马上|在银行|柜台)[^。]{0,20}安全账户|安全账户[^。]{0,20}(?:还要再转|拦不住|劝不住)|(?:撬[^，。！？]{0,6}(?:门|锁|窗)|(?:门|锁|窗)[^，。！？]{0,4}撬)[^。]{0,16}(?:人[^，。！？]{0,2}还在|还在(?:楼道|门口|外面|撬)|不敢开门|快来)|\b(?:climbing|breaking into|broke into|breaking in)\b[^.。]{0,40}\b(?:right now|now)\b|\b(?:intruder|burglar)s?\b[^.。]{0,30}\b(?:inside|in (?:the|my|our) (?:house|flat|home|building))\b/i, type: 'public_security' },
  // someone fallen, trapped or collapsed, in English
  { re: /\b(?:kid|child|boy|girl|baby|man|woman|guy|someone|somebody|person|old (?:man|lady))\s+(?:fell|has fallen|is stuck|is trapped|trapped|is drowning|drowning|collapsed|fainted)\b|\b(?:sitting|standing)\s+on\s+the\s+(?:edge|ledge)\b|\bon\s+the\s+(?:edge|ledge)\s+of\s+the\s+(?:roof|balcony|bridge)\b|\bwants?\s+to\s+jump\b/i, type: 'safety_hazard' },
  { re: /\b(?:got |been |was |is being )?stabbed\b|\bstabbing\b|\bblood everywhere\b|\b(?:he|she|they|roommate|friend|mom|dad|mother|father|neighbou?r|someone|man|woman|guy|kid|child|baby|grandma|grandpa|wife|husband)\b[^.!?]{0,40}\b(?:won'?t|doesn'?t|isn'?t|is not)\s+(?:wake|waking|breathe|breathing|respond(?:ing)?)\b|\bcan'?t\s+wake\s+(?:him|her|them|my|the)\b|\bunresponsive\b|\boverdosed?\b|\bbeating (?:up|him|her)\b|\bcall (?:an )?ambulance\b|\bambulance number\b/i, type: 'welfare_service' },
  // something falling or collapsing now with people under it; people caught in a flood
  { re: /(?:(?:正在|快要?|马上|眼看)[^，。！？]{0,4}(?:倒|掉|塌)|往(?:外|下)倒|摇摇欲坠|(?:一直|不停|来回|使劲)[^，。！？]{0,3}晃|晃得(?:厉害|很|越来越)|(?:挂|悬|吊)(?:在)?半空|半挂着|晃来晃去|(?:挂|吊|悬)着(?:在)?晃|晃悠|(?:一边|一角|半边)(?:已经)?(?:脱开|松脱|掉了)|正往[^，。！？]{0,8}(?:倒|塌|掉|斜|歪)|晃荡|(?:往外|往下)歪|(?:开始|在)往下塌|往下溜|溜车|自己[^，。！？]{0,2}溜|往下滑|(?:要|快)(?:倒|塌|掉)(?:了|下来)?(?!垃圾|水|茶|酒)|又掉了|都歪了)(?=[^。]{0,40}(?:底下|下面|墙根|下方|旁边)(?:[^。！？]{0,8}(?:有|还有|都是|一排|站着|全是|就是|在|好多|很多|一堆|一群)[^。！？]{0,10}(?:人(?!走|行道|行路)|老人|小孩|孩子|小朋友|学生|家长|行人|幼儿园)|[^。！？]{0,4}就是[^，。！？]{0,8}(?:单元门|楼门|出入口|幼儿园|学校|小学)|[^。！？]{0,20}(?:好多|很多|不少|一群|都是)人在(?:走|过|等|玩)))|(?:淹|进水|积水|水(?:已经)?(?:到|没过|淹到|齐))[^。]{0,30}(?:人|大爷|大妈|老人|孩子|小孩|司机|车主)[^，。！？]{0,8}(?:还在(?:下面|里面|底下|水里|车里|床上)|还躺在|在挪车|没(?:上来|出来)|出不来|被困|困在)/, type: 'safety_hazard' },
  // a gas pipe hissing, or the smell still strong after the valve is shut; a live clothes line
  // that just shocked someone
  { re: /(?:燃气|煤气|天然气|液化气)[^。！？]{0,6}嘶嘶|(?:燃气|煤气|天然气|液化气)[^。！？]{0,20}(?:味道|气味|味儿)[^，。！？]{0,4}(?:还是|还)?(?:很|好|特别|太)?(?:重|浓|冲)|漏电[^。]{0,20}(?:被电|电了(?:我|一下)|手(?:还)?麻)|被电了一下/, type: 'safety_hazard' },
  // someone with a known illness who does not answer the door
  { re: /(?:敲|敲门|喊|叫)[^。！？]{0,8}(?:没人应|没人开|都不开|没反应|没动静|不应)[^。]{0,40}(?:心脏病|高血压|糖尿病|脑梗|中风|癫痫|哮喘)|(?:心脏病|高血压|糖尿病|脑梗|中风|癫痫|哮喘)[^。]{0,40}(?:敲|敲门|喊|叫)[^。！？]{0,8}(?:没人应|没人开|都不开|没反应|没动静|不应)/, type: 'welfare_service' },
  // a hillside sliding, a pole down with its wire on a metal gate, poison in a well, an ambulance
  // blocked, many children taken ill after a meal
  { re: /(?:山坡|土坡|山体|坡)[^，。！？]{0,4}(?:在|正在)?(?:往下滑|滑坡|塌方|垮了)|石头[^，。！？]{0,4}(?:一直|不停|还在)往下滚|泥石流|电线杆[^，。！？]{0,6}(?:倒了|刮倒|断了)|(?:电线|线)[^，。！？]{0,4}搭在[^，。！？]{0,10}(?:铁|门|栏杆|水|人)|投毒|往[^，。！？]{0,4}(?:井|水缸|水塔|水池)里(?:投|倒|扔)|救护车(?:现在)?(?:进不来|进不去|过不去|被堵(?:住|在))|(?:在|正在)[^，。！？]{0,6}抢救|(?:好多|好几个|一群|很多|十几个|几十个)(?:娃|孩子|小孩|学生|老人|人)[^。]{0,12}(?:吃了|喝了)[^。]{0,12}(?:肚子疼|吐了|呕吐|拉肚子|头晕|晕倒)/, type: 'safety_hazard' },
  // water coming into homes: a burst pipe pouring downstairs, a flooded ground floor, water
  // still rising
  { re: /(?<!(?:一下雨|一落雨|每次下雨|一到下雨天?|下大雨)[^。]{0,30})(?:水|污水|雨水)[^，。！？]{0,6}(?:进屋|漫进屋|灌进屋|流进屋|涌进屋|进家|漫进家|进到屋里|浸入|浸进|入屋)|(?<!(?:一下雨|一落雨|每次下雨|一到下雨天?|下大雨)[^。]{0,30})水[^，。！？]{0,4}(?:浸|漫|灌|涌)(?:进|入)[^，。！？]{0,8}(?:家|屋|铺|店)|(?:插座|电闸|电箱|配电箱)[^，。！？]{0,4}(?:泡水|泡在水|进水了)|(?:家里|屋里|屋子里|一楼|铺头)(?:[^，。！？]{0,4}(?:全|都))?(?:已经|都|全)?(?:淹了|淹到|进水了|入水)|(?:水管|暖气管|暖气片|管子|主管道?|总管|立管|消防管)[^，。！？]{0,4}(?:爆|冻裂)[^。]{0,24}(?:往(?:楼下|铺头|店里|屋里|家里)(?:灌|流|淌)|往下(?:灌|淌)|往[^，。！？]{0,6}门缝里?(?:流|灌)|进屋|(?:一楼|家里|屋里|楼下)[^，。！？]{0,4}淹|全是水|都是水)|(?:进水|漫进|灌进|淹)[^。]{0,16}(?:还在往里(?:涌|灌|冒)|往里涌)/, type: 'public_facilities', habitualIsRoutine: true },
  // a wall, ceiling or bank coming down: cracked or collapsed and still shedding, or shedding and
  // about to go
  { re: /(?:墙|天花板|吊顶|楼板|顶棚|土坡|山坡|堤|坝|房子?|楼)[^。]{0,12}(?:垮了|塌了|裂开|开裂|裂了)[^。]{0,40}(?:还在|一直|不停|刚才还|又)[^，。！？]{0,4}(?:往下)?(?:掉|落|塌|垮)|(?:有没有人|有人|人)[^，。！？]{0,2}被(?:压|埋|砸)(?:在|到)?(?:下面|底下|里面|里头)|(?:外墙|保温板|瓷砖|墙皮|广告牌|玻璃|招牌|空调外机)[^。]{0,30}(?:还在|正在)[^，。！？]{0,4}往下(?:掉|落)|(?:天花板|吊顶|楼板|顶棚|外墙|墙)[^。]{0,8}(?:一直|不停|还在)[^，。！？]{0,4}(?:往下)?(?:掉|落)[^。]{0,30}(?:要塌|快塌|塌下来|越来越大)/, type: 'safety_hazard' },
];

// Phrases that make a trigger hypothetical or preventive ("万一着火", "防火", "消防演练"), or
// a figure of speech ("热得要晕倒了")
const HYPOTHETICAL = /(?:万一|哪天|再[^，。！？,.!?]{0,4}?不|迟早|早晚|总有一天|肯定会?有|指不定|说不定|保不齐|以为|差点|差一点|险些|如果|要是|假如|一旦|防止|预防|以免|避免|怕|担心|容易|可能会?|会不会|真|演练|演习|培训|宣传|知识|提示|都快|快要|(?:(?:热|累|困|饿|气|笑|吓|烦|吵|晒|忙|转|挤|闷|辣|烫)[得到]|(?:看|听)得)(?:我|人)?(?:头都|都)?(?:要|快)?)[^，。！？,.!?]{0,6}$/;
// "血压都要爆炸了", "嘴里着火": a body part right before the trigger
const FIGURATIVE_BODY = /(?:KPI|kpi|业绩|绩效|进度|ddl|DDL|整个人|血压|心态|脑子|脑袋|(?<![老光码枕石砖骨丫里外上前后街楼路个锄龙屋地山村桥床车船墙田炕灶门])头|肺|嘴里|嘴巴|嗓子|喉咙)[都也]?(?:要|快)?$/;
// "梦见咱楼着火了"
const DREAM = /(?:梦见|梦到|做梦|梦里)[^，。！？,.!?]{0,6}$/;
// "像着火一样", "跟打仗似的"
const SIMILE_AFTER = /^[^，。！？,.!?]{0,4}(?:一样|似的|一般)/;
// "着火了怎么办", "着火了谁跑得掉": a question about what could happen
const RHETORICAL_AFTER = /^了?[^，。！？,.!?]{0,2}(?:怎么办|咋办|谁(?:跑得掉|负责|管|来管|担得起))/;
// "上周…叫了救护车", "去年这里着过火": the trigger is in a clause about the past, with nothing
// about now ("今天", "现在", "又") between the time word and the trigger
const PAST = /(?:前几天|前两天|前些天|上周|上星期|上礼拜|上个(?:月|星期|礼拜)|上回|上次|去年|前年|前阵子|前段时间|那次|当时|[一二两三四五六七八九十几]+(?:年|个月)前)[^。！？!?]{0,40}$/;
const NOW = /今天|今晚|今早|现在|正在|还在|刚才|刚刚|又|马上|快/;
// "听说隔壁小区着火了": news from elsewhere, unless the message calls for help
const HEARSAY = /(?:听说|据说|新闻(?:上|里)?(?:说|报道)?|网上(?:说|传)|网传|看到新闻|朋友圈(?:说|传|里)|刷到|视频(?:里|上)说|电视上(?:说|播|放))[^。！？!?]{0,30}$/;
// "电视剧里演的那种煤气爆炸": fiction, however urgent the rest sounds ("我赶紧去检查了阀门")
const FICTION = /(?:电视剧|剧里|电影里?|看电视|小说里|游戏里|综艺)[^。！？!?]{0,30}$/;
const URGENT = /快来|赶紧|快去|快叫|快打|救命|现在|正在|还在|不接电话|电话(?:也)?(?:不接|打不通)|联系不上/;
const HABITUAL = /(?:天天|每天|经常|老是|总是|成天|整天|一到[^，。！？]{0,4}就)[^，。！？,.!?]{0,4}$/;
// "没打人", "没着火": the trigger denied
const NEGATED = /(?:没|没有|没再|并没|也没|倒是?没|不是要|不是在|终于不|已经不|再也不)$/;
// "跳楼的新闻", "困人那个事": talk about a story, not a call for help
const STORY_AFTER = /^[^，。！？,!?]{0,4}(?:的|那个|这个|那件|这件)(?:新闻|视频|报道|消息|事情?|事儿)/;
// "昨晚闻到煤气味，今天没了": yesterday's trigger, over unless the message says it goes on
const RECENT_PAST = /(?:昨天|昨晚|昨儿|昨夜|前天|前晚|大前天)[^，。！？,!?]{0,20}$/;
const GOES_ON = /今天|今晚|今早|现在|正在|还在|刚才|刚刚|马上|开始|起|一直|到现在|至今/;
const STILL_AFTER = /现在|还在|还有|还是有|一直|越来越|到现在|至今|仍|依然|又(?!没)|刚刚|刚才|快来|赶紧|救命/;
// How long a problem has lasted, or how often it comes back; and words for now
const STANDING = /(?:一个|几个|两个|好几个|半个)?(?:星期|礼拜|月)了|好几天了|[几两三四五六七八九十]+天了|天天|老是|从来|经常|总是|每天|一直都/;
const NOWISH = /现在|正在|刚才|刚刚|快来|赶紧|快点|救命|马上|已经[^，。！？]{0,4}(?:分钟|小时)/;
// "救命…煤气好大的味 怎么办": a question asked in the middle of it, not a what-if
const CRY_FOR_HELP = /救命|救救/;
// A call for help now, which no story, joke or all-clear elsewhere in the message undoes (not 救命
// alone: "救命，电费又涨了" is a figure of speech)
const CALL_FOR_HELP = /快来|赶紧|快去|快叫|快打|还有人|还在里面|正在/;
// The whole message says it was nothing, or is over: a false alarm, a rumour denied, a harmless cause, laughter
const ALL_CLEAR = /虚惊|我(?:先|在)?陪着(?:她|他)|(?:她|他)(?:现在)?在我(?:这|家|店里)|(?:现在|已经)(?:已经)?(?:回家|出院)了|排队排到|爽(?:到|得)飞起|镬气|(?:一看|原来)是[^。！？]{0,6}游戏|在玩游戏|(?:一会儿?|一下)就好了|晕针|气得我?(?:血压|肺)|已经(?:被)?放?出来了|(?:已经|现在)没(?:有)?(?:味|味道|气味)了|别以为(?:是)?(?:着火|起火|失火|煤气|出事)|(?:练习|演示|试)(?:用|使用)?灭火器|已经扔了|已经拔(?:掉)?了|白紧张|看错了|搞错了|弄错了|(?:被我|我)?拦住了|钱没转|没转成|已经(?:被)?控制住|原来是[^。！？]{0,10}在?玩|(?:电视剧|电影|剧)里(?:演|放)的|(?:阀门?|总阀|水闸)[^，。！？]{0,3}已经关(?:了|掉了|上了|好了)|已经关(?:了|掉了|上了)?(?:总阀|阀门)|辟谣|是假的|谣言|(?<!是)(?:不是|并非)(?:煤气|燃气|着火|火灾|起火|爆炸|枪声)|已经(?:灭了|扑灭|处理好|没事)|人(?:已经)?没事了|已经(?:被)?送(?:去|到)?(?:医院|医)|送医了|(?:救护车|120|消防车?|警察)[^，。！？]{0,4}已经[^，。！？]{0,2}(?:拉走|接走|抬走|带走|走了)|已经(?:被)?(?:救出来|救上来|抬走|拉走|接走)了|已经找到了|找到(?:家长|妈妈|爸爸|父母|家人|家里人)了|(?:家长|家人|家里人|妈妈|爸爸)[^，。！？]{0,4}(?:接走|领走|领回去|接回去|找来)了|别传谣|不要传谣|不信谣|(?:是|在)(?:别的|外地|其他)(?:城市|地方|省|市|县|小区)|不是咱(?:这|们这|小区)|(?:原来|其实|只是|就是|(?<!不)是)[^。！？!?]{0,10}(?:炒辣椒|炒菜|熬(?:中)?药|煎药|烧艾|艾灸|烧烤|烤串|撸串|烤肉|熏肉|熏腊肉|鞭炮|放炮|烟花|烧纸|做饭|置换|换管道|放散|检修|试气|演练|演习|测试|年检|调试|试机|拍(?:戏|电影|视频))|没事没事|劝下来了|救下来了|被劝下|缓过来了|脱离危险|(?:家属|家人)[^，。！？]{0,4}接回去了|谢谢[^。！？!?]{0,12}(?:帮忙|帮着|救|灭火|送医)|(?<!暂时|暂时还|还)没事了|(?:分钟|小时|半天)[^，。！？]{0,4}才(?:来|到)|没(?:有)?(?:泄漏|泄露|漏气)|(?:看了|查了|问了|看过了|查过了|检查了|检查过了)[^。！？!?]{0,12}(?:没事|没问题|没有问题)|糊锅|锅糊了|(?:炖|煮|烧|做)[^，。！？]{0,4}糊了|假装|过家家|(?:陪|跟)[^，。！？]{0,4}演|笑死|哈哈|hhh|😂|🤣/i;
const NON_EMERGENCY_CONTEXT = /^提醒|^转发|提醒[:：]|讲座|提醒(?:一下)?大家|(?<!不是)(?:演练|演习)|小课堂|口诀|健康知识|防火知识|安全知识|小知识|科普|温馨提示|安全提示|宣传|培训|【通知】|【转发】|^转[:：]|转发[:：]/;

// A repost that says people are leaving a building right now is about an emergency under way,
// whatever its header
const EVACUATING = /正在(?:往外|往楼下|往下)?(?:撤|疏散|撤离)/;

const MAJOR_RULES: RegExp[] = [
  /(?:整个|全|整片|大面积|整栋|好几栋|几栋|全村|全镇|片区).{0,6}(?:停电|停水|停气|断电|断水|停暖|不热|没电|没水)/,
  /(?:停电|停水|停气|断电|断水).{0,8}(?:[两三四五六七八九十几多]天|一天一夜|一整天|整整一天|[0-9]+天)/,
  /(?:几|上|数|好几)(?:十|百|千|万)(?:户|人|个人|名|家)|[0-9]{2,}(?:户|人|名)(?!民币)|上万人|[一二两三四五六七八九几]百多?(?:个|名|户|人)|大批|大量(?:居民|住户|群众)|十几个人|几十个人|很多人(?:受伤|中毒|被困)/,
  /(?:墙体|楼体|房子|外墙|围墙|楼|地基|路面|桥|地面|墙|房屋).{0,6}(?:大?裂缝|开裂|裂开|倾斜|下沉|沉降|塌陷|坍塌|垮塌|冲垮|倒塌)/,
  /集体(?:上访|中毒|讨薪)|聚集|群体性|上吐下泻|食物中毒/,
];

const GLOBAL = new WeakMap<RegExp, RegExp>();
/** `re` with the g flag, compiled once (firstMatch walks every match). */
function globalOf(re: RegExp): RegExp {
  let g = GLOBAL.get(re);
  if (!g) {
    g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
    GLOBAL.set(re, g);
  }
  return g;
}

interface MatchContext {
  /** A trigger that happens every day is routine (see LevelRule.habitualIsRoutine). */
  habitualIsRoutine?: boolean;
  /** The message says it was nothing (ALL_CLEAR): no trigger stands. */
  allClear?: boolean;
  /** Receives the first match when none stands, and whether it was in a story. */
  seen?: (m: RegExpExecArray, told: boolean) => void;
}

/**
 * The first match of `re` that its context leaves standing, or null; `seen` receives the first
 * match of all when none stands (a trigger the context made harmless).
 */
function firstMatch(re: RegExp, text: string, { habitualIsRoutine = false, allClear = false, seen }: MatchContext = {}): RegExpExecArray | null {
  const g = globalOf(re);
  g.lastIndex = 0;
  let m: RegExpExecArray | null;
  let first: RegExpExecArray | null = null;
  let firstTold = false;
  while ((m = g.exec(text)) !== null) {
    const before = text.slice(Math.max(0, m.index - 8), m.index);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 8);
    const clause = text.slice(Math.max(0, m.index - 40), m.index);
    // a story: over, elsewhere, a false alarm, a dream
    const told =
      allClear ||
      DREAM.test(before) ||
      (STORY_AFTER.test(after) && !CALL_FOR_HELP.test(text)) ||
      isPast(clause) ||
      isOverSinceYesterday(clause, text.slice(m.index + m[0].length)) ||
      (HEARSAY.test(clause) && !URGENT.test(text)) ||
      FICTION.test(clause);
    const harmless =
      told ||
      HYPOTHETICAL.test(before) ||
      FIGURATIVE_BODY.test(before) ||
      NEGATED.test(before) ||
      (SIMILE_AFTER.test(after) && /[像跟如]/.test(before)) ||
      (RHETORICAL_AFTER.test(after) && !CRY_FOR_HELP.test(text)) ||
      (habitualIsRoutine && HABITUAL.test(before));
    if (!harmless) return m;
    if (!first) {
      first = m;
      firstTold = told;
    }
    if (m[0].length === 0) g.lastIndex++;
  }
  if (first && seen) seen(first, firstTold);
  return null;
}

/** The clause before a trigger speaks of the past, and nothing in between of now. */
function isPast(clause: string): boolean {
  const m = PAST.exec(clause);
  return m !== null && !NOW.test(clause.slice(m.index));
}

/** A trigger after "昨天/昨晚…" with nothing in between or after saying it goes on. */
function isOverSinceYesterday(clause: string, rest: string): boolean {
  const m = RECENT_PAST.exec(clause);
  return m !== null && !GOES_ON.test(clause.slice(m.index)) && !STILL_AFTER.test(rest);
}

// Homophones that pinyin and voice input put in place of the emergency words ("煤汽味", "晕到了")
const TYPOS: [RegExp, string][] = [
  [/[煤媒]汽|媒气/g, '煤气'],
  [/燃汽/g, '燃气'],
  [/漏店/g, '漏电'],
  [/天燃气/g, '天然气'],
  [/([晕昏])到(?=了(?!极)|在|地)/g, '$1倒'],
  [/(着|起|失)伙/g, '$1火'],
];

/** The text with the usual input-method slips in emergency words put right. */
function fixTypos(t: string): string {
  let out = t;
  for (const [re, to] of TYPOS) out = out.replace(re, to);
  return out;
}

// Words that ask someone to act ("能不能管管", "怎么办", a question)
const ASKS = /请|麻烦|能不能|能否|能[^，。！？]{0,8}吗|@(?:网格员|社区|物业|居委)|可不可以|可以[^，。！？]{0,6}吗|要不要|管管|管一管|处理|解决|投诉|反映|报修|查查|查一下|看看|检查|来人|怎么办|谁管|有人管|建议|希望|[？?]/;

// "【转发】…", "【物业提醒】…", "转：…": a notice passed on, not the writer's own report (but
// "【求助】", "【投诉】", "【报修】" are requests)
const REPOST = /^\s*(?:【(?![^】]*(?:求助|投诉|报修|紧急|急|反映|举报|救))[^】]{1,12}】|\[转发?\]|转发?[:：])/;

/** A notice or message passed on from elsewhere (a 【…】 header, 转发：), not a report of the writer's own. */
export function isRepost(text: string): boolean {
  return typeof text === 'string' && REPOST.test(text);
}

/** The message asks someone to do something (a request, a complaint to be handled, a question). */
export function asksForAction(text: string): boolean {
  return typeof text === 'string' && ASKS.test(text);
}

/** Detect the level of a message from rules alone (the model never lowers it). */
export function detectLevel(text: string): LevelDetection {
  const t = typeof text === 'string' ? fixTypos(text.normalize('NFKC')) : '';
  const reasons: string[] = [];
  let suggestedType: string | undefined;
  const suppressed: string[] = [];
  let told = false;
  const notice = NON_EMERGENCY_CONTEXT.test(t) && !EVACUATING.test(t);
  if (!notice) {
    const allClear = ALL_CLEAR.test(t) && !CALL_FOR_HELP.test(t);
    for (const rule of EMERGENCY_RULES) {
      const m = firstMatch(rule.re, t, {
        habitualIsRoutine: rule.habitualIsRoutine,
        allClear,
        seen: (raw, isTold) => {
          suppressed.push(raw[0]);
          told ||= isTold;
        },
      });
      if (m) {
        reasons.push(m[0]);
        suggestedType ??= rule.type;
      }
    }
  }
  if (reasons.length > 0) return { level: 'emergency', reasons, ...(suggestedType ? { suggestedType } : {}) };
  const standing = STANDING.test(t) && !NOWISH.test(t);
  const quiet = {
    ...(suppressed.length > 0 ? { suppressed } : {}),
    ...(notice ? { notice } : {}),
    ...(told ? { told: true as const } : {}),
    ...(standing ? { standing: true as const } : {}),
  };
  for (const re of MAJOR_RULES) {
    const m = firstMatch(re, t);
    if (m) reasons.push(m[0]);
  }
  if (reasons.length > 0) return { level: 'major', reasons, ...quiet };
  return { level: 'routine', reasons, ...quiet };
}

const ACK_WORDS =
  /^(?:收到|在吗|在不在|在么|在嘛|有人吗|有人在吗|好的?|好滴|好嘞|好吧|谢谢|多谢|谢了|感谢|辛苦(?:了|啦)?|ok|okay|嗯+|哦+|噢+|哈+|呵+|嘿+|早|早安|早上好|上午好|中午好|下午好|晚上好|晚安|好梦|知道了|明白|了解|已阅|已读|已收到|已报名|已填|已交|已完成|已签字|已转发|同意|赞|顶|支持|\+1|1|thx|thanks|thank you|对|是的|没问题|可以|行|大家|各位|您|你们|社区|物业|网格员|老师|[!！。.~～,，、?？\s])+$/iu;
const PLACEHOLDER = /^(?:\[(?:图片|视频|表情|语音|动画表情|文件|链接|位置|红包|强|握手|玫瑰|微笑|OK|拳头|抱拳)\][\s\S]{0,20}|\s)+$/u;

/**
 * Text with emoji, pictographs, punctuation and whitespace removed; the ASCII digits, # and * go
 * too, as Unicode counts them among the emoji components (the keycaps 1️⃣, #️⃣).
 */
export function stripSymbols(text: string): string {
  return text.replace(/[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Emoji_Component}\u200d\ufe0f\p{P}\p{S}\s]/gu, '');
}

/**
 * Messages that are obviously not cases: empty, only emoji/punctuation, placeholders such as
 * "[图片]", or short acknowledgements ("收到", "好的谢谢", "👍").
 */
export function isTrivialChatter(text: string): boolean {
  if (typeof text !== 'string') return true;
  const t = text.normalize('NFKC').trim();
  if (t.length === 0) return true;
  if (stripSymbols(t).length === 0) return true;
  if (PLACEHOLDER.test(t)) return true;
  const noEmoji = t.replace(/[\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0f]/gu, '').trim();
  if (noEmoji.length <= 16 && ACK_WORDS.test(noEmoji)) return true;
  return false;
}

const CN_NUM = '零〇一二两三四五六七八九十百';

/** Location hints as written: building (栋/号楼/幢/座), unit (单元), street (路/街/巷/道), landmark. */
export function extractLocation(text: string): LocationHints {
  const t = typeof text === 'string' ? text.normalize('NFKC') : '';
  const out: LocationHints = {};
  const b = new RegExp(`([A-Za-z]?[0-9]{1,4}|[${CN_NUM}]{1,4})\\s*(号楼|栋|幢|座|号院|期)`).exec(t);
  if (b) out.building = `${b[1]}${b[2]}`;
  else {
    const b2 = /([0-9]{1,3})\s*号(?=[0-9]{3,4}|的|楼下|门口|旁边|后面|前面)/.exec(t);
    if (b2) out.building = `${b2[1]}号`;
  }
  const u = new RegExp(`([0-9]{1,2}|[${CN_NUM}]{1,3})\\s*单元`).exec(t);
  if (u) out.unit = `${u[1]}单元`;
  const streetRe = /([\u4e00-\u9fa5A-Za-z0-9]{1,8}?(?:大道|大街|路|街|巷|胡同|弄))(?:[0-9]{1,5}号)?/g;
  const BAD_STREET =
    /(?:马路|走路|道路|出路|过路|让路|修路|堵路|挡路|上路|一路|这条路|那条路|条路|水路|电路|线路|管路|回家路|小路|段路|大路|路路|半路|街坊|逛街|上街|沿街|临街|满街|整条街|一条街|扫街|炸街|当街|街上|弄堂|弄坏|弄好|弄脏|弄丢|弄得|弄了|弄一下|在弄|怎么弄|搞弄)$/;
  let m: RegExpExecArray | null;
  while ((m = streetRe.exec(t)) !== null) {
    let name = m[1]!;
    // trim leading function words / admin prefixes (…区, 在, 住在 …)
    name = name.replace(/^.*(?:[市区县镇乡村]|在|住|到|往|从|是|的|和|与|对面|旁边)(?=[\u4e00-\u9fa5A-Za-z0-9]{2,})/, '');
    if (name.length < 2 || BAD_STREET.test(name) || /^[路街巷弄]/.test(name)) continue;
    if (/路[口边面灯上]$/.test(t.slice(m.index, m.index + m[0].length + 1))) continue;
    out.street = m[0].slice(m[1]!.length - name.length);
    break;
  }
  const lm =
    /(?:[\u4e00-\u9fa5A-Za-z0-9]{0,4}?)(?:[东西南北]门|小区(?:门口|[东西南北]门|大门)?|公园|菜市场|农贸市场|菜场|超市|商场|广场|学校|小学|中学|幼儿园|医院|卫生院|地铁站|地铁口|公交站|火车站|车站|停车场|地下车库|车库|地下室|活动中心|服务中心|垃圾站|垃圾房|门卫室|岗亭|大门口|门口)/u;
  const l = lm.exec(t);
  if (l) {
    let s = l[0].replace(/^(?:我们|我家|我|你们|他们|这个|那个|这|那|在|到|的|了|是|去|往|从|楼下|对面|旁边|附近|每天|天天|晚上|早上|一到)+/u, '');
    if (s.length === 0) s = l[0];
    out.landmark = s;
  }
  return out;
}

/** One line of Chinese: the cleaned first sentence, personal data masked, at most `max` chars. */
export function summarize(text: string, max = 60): string {
  if (typeof text !== 'string') return '';
  let t = text;
  t = t.replace(/\[(?:图片|视频|表情|语音|动画表情|文件|链接|位置|强|握手|玫瑰|微笑)\]/g, ' ');
  t = t.replace(/@\S+\s?/g, ' ');
  t = t.replace(/[\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0f]/gu, '');
  t = t.replace(/https?:\/\/\S+/g, '');
  t = t.replace(/([!！?？。~～.,，])\1+/g, '$1');
  t = t.replace(/\s+/g, ' ').trim();
  t = maskPersonalData(t);
  const parts = t.split(/(?<=[。！？!?；;\n])/);
  let s = '';
  for (const p of parts) {
    s += p;
    if (Array.from(s.trim()).length >= 8) break;
  }
  s = s.trim().replace(/[。！？!?；;,，、\s]+$/u, '');
  const chars = Array.from(s);
  if (chars.length > max) s = `${chars.slice(0, max - 1).join('')}…`;
  return s;
}
