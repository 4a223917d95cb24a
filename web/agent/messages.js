/** The agent workspace's own strings (beside the shared catalogues). @module */
export default {
  en: {
    "refused.title": "Not allowed",
    "refused.text": "The agent workspace is for support staff; you are signed in as {role}.",
    "refused.portal": "Go to the customer portal",
  },
  zh: {
    "refused.title": "无权访问",
    "refused.text": "客服工作台仅供客服人员使用；您当前的角色是 {role}。",
    "refused.portal": "前往客户门户",
  },
};
