/** The "/" menus Telegram shows (set on start): direct chats and groups differ. */
export const COMMANDS_PRIVATE = [
  { command: 'start', description: '输入邀请码绑定身份：/start 邀请码' },
  { command: 'help', description: '查看您可以使用的命令' },
  { command: 'whoami', description: '我是谁：查看身份和绑定' },
  { command: 'mycases', description: '我的工单' },
  { command: 'status', description: '查询工单进度：/status 编号' },
];
export const COMMANDS_GROUP = [
  { command: 'help', description: '查看您可以使用的命令' },
  { command: 'status', description: '查询工单进度：/status 编号' },
  { command: 'mycases', description: '我的工单' },
  { command: 'whoami', description: '查看身份和本群绑定' },
  { command: 'report', description: '报表：/report day|week|month（日报、周报、月报）' },
  { command: 'bind', description: '管理员：把本群绑定到组织节点（/bind 节点编码）' },
  { command: 'unbind', description: '管理员：解除本群绑定' },
];
