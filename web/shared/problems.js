/**
 * What the console says for the services' known problem codes, in each language; a code not
 * listed here shows the problem's own `detail` (see failure.js). Same keys in both (tested).
 * @module
 */
export default {
  en: {
    "problem.forbidden": "You are not allowed to do that.",
    "problem.unauthorized": "Your session has ended: sign in again.",
    "problem.signed_out": "Your session has ended: sign in again.",
    "problem.ticket_not_found": "That ticket does not exist (or is not yours to see).",
    "problem.ticket_closed": "This ticket is closed: it takes no more changes.",
    "problem.transition_not_allowed": "The ticket cannot move to that status from where it is.",
    "problem.invalid_request": "Some of what was sent is not valid.",
    "problem.invalid_tag": "A tag has letters, digits, '-' or '_' only (at most 64).",
    "problem.too_many_tags": "The ticket has as many tags as it may have.",
    "problem.version_conflict": "Someone changed the ticket meanwhile: look again and retry.",
    "problem.too_much_contention": "The ticket is busy: try again in a moment.",
    "problem.ticket_busy": "The ticket is busy: try again in a moment.",
    "problem.rate_limited": "Too many requests: wait a moment and try again.",
    "problem.type_not_allowed": "Files of this type are not accepted.",
    "problem.file_too_large": "The file is larger than allowed.",
    "problem.cannot_change_own_role": "Nobody can change their own role: ask another admin.",
    "problem.username_taken": "That username is taken.",
    "problem.user_not_found": "No such user.",
    "problem.network": "The server could not be reached: check the connection and retry.",
  },
  zh: {
    "problem.forbidden": "您无权执行此操作。",
    "problem.unauthorized": "会话已结束：请重新登录。",
    "problem.signed_out": "会话已结束：请重新登录。",
    "problem.ticket_not_found": "该工单不存在（或您无权查看）。",
    "problem.ticket_closed": "该工单已关闭，不能再修改。",
    "problem.transition_not_allowed": "工单无法从当前状态变为该状态。",
    "problem.invalid_request": "提交的内容有误。",
    "problem.invalid_tag": "标签只能包含字母、数字、“-”或“_”（最多 64 个字符）。",
    "problem.too_many_tags": "该工单的标签已达上限。",
    "problem.version_conflict": "工单已被他人修改：请刷新后重试。",
    "problem.too_much_contention": "工单正忙：请稍后重试。",
    "problem.ticket_busy": "工单正忙：请稍后重试。",
    "problem.rate_limited": "请求过多：请稍后重试。",
    "problem.type_not_allowed": "不接受此类型的文件。",
    "problem.file_too_large": "文件超过了允许的大小。",
    "problem.cannot_change_own_role": "任何人都不能修改自己的角色：请联系另一位管理员。",
    "problem.username_taken": "该用户名已被占用。",
    "problem.user_not_found": "没有这个用户。",
    "problem.network": "无法连接服务器：请检查网络后重试。",
  },
};
