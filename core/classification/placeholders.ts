/**
 * The placeholders chat apps put in a message's text for what is not text: "[图片]", "[位置]",
 * "[语音]", "[动画表情]", WeChat's "[强]" and "[玫瑰]"… They say nothing about the problem (the
 * photo itself arrives as an attachment), yet a model that saw "[图片]" only among the chatter
 * examples read "车窗被砸了[图片]" as chatter. The classifier reads messages without them, and
 * the models learn from examples without them. Pure.
 */
const PLACEHOLDER = /\[(?:图片|照片|视频|表情|语音|动画表情|文件|链接|位置|红包|转账|强|弱|握手|玫瑰|微笑|OK|拳头|抱拳|捂脸|呲牙|偷笑|流泪|愉快|爱心|胜利|耶)\]/g;

/** `text` with each chat placeholder replaced by a space (the same string when it has none). */
export function withoutPlaceholders(text: string): string {
  return text.includes('[') ? text.replace(PLACEHOLDER, ' ') : text;
}
