// Every page of the portal, in one table. To add a page: write src/pages/<role>/<name>.jsx with a
// default-exported component (it receives the path's parameters as props: {params}), then add a
// line here. `roles` says who may open it (none: anyone, signed in or not); `nav` puts it in the
// header's menu for those roles. Pages load on first use (esbuild makes each its own chunk).
export const routes = [
  { path: "/sign-in", page: () => import("./pages/signin.jsx") },

  // Enterprise (企业)
  { path: "/enterprise/apply", roles: ["enterprise"], nav: ["申请贷款", "Apply for a loan"],
    page: () => import("./pages/enterprise/scenarios.jsx") },
  { path: "/enterprise/apply/:scenario", roles: ["enterprise"], page: () => import("./pages/enterprise/apply.jsx") },
  { path: "/enterprise/applications/:id", roles: ["enterprise"],
    page: () => import("./pages/enterprise/application.jsx") },
  { path: "/enterprise/applications", roles: ["enterprise"], nav: ["我的申请", "My applications"],
    page: () => import("./pages/enterprise/applications.jsx") },
  { path: "/enterprise/products", roles: ["enterprise"], nav: ["银行与产品", "Banks and products"],
    page: () => import("./pages/enterprise/products.jsx") },
  { path: "/enterprise/notifications", roles: ["enterprise"], nav: ["消息", "Notifications"], badge: "unread",
    page: () => import("./pages/enterprise/notifications.jsx") },
  { path: "/enterprise/threads", roles: ["enterprise"], nav: ["咨询", "Ask the window"],
    page: () => import("./pages/enterprise/threads.jsx") },
  { path: "/enterprise/threads/:id", roles: ["enterprise"], page: () => import("./pages/enterprise/thread.jsx") },
  { path: "/enterprise/complaints", roles: ["enterprise"], nav: ["投诉", "Complaints"],
    page: () => import("./pages/enterprise/complaints.jsx") },

  // Consoles: one home page per role, to be filled in (pages/<role>/...)
  { path: "/agency", roles: ["agency"], nav: ["待办审核", "Pending reviews"], page: () => import("./pages/agency/home.jsx") },
  { path: "/agency/applications/:id", roles: ["agency"], page: () => import("./pages/agency/case.jsx") },
  { path: "/bank", roles: ["bank"], nav: ["待办申请", "Pending applications"], page: () => import("./pages/bank/home.jsx") },
  { path: "/bank/applications/:id", roles: ["bank"], page: () => import("./pages/bank/case.jsx") },
  { path: "/window", roles: ["window"], nav: ["全部申请", "All applications"], page: () => import("./pages/window/home.jsx") },
  { path: "/window/applications/:id", roles: ["window"], page: () => import("./pages/window/case.jsx") },
  { path: "/window/overdue", roles: ["window"], nav: ["逾期审核", "Overdue reviews"], page: () => import("./pages/window/overdue.jsx") },
  { path: "/window/threads", roles: ["window"], nav: ["咨询", "Consultations"], page: () => import("./pages/window/threads.jsx") },
  { path: "/window/threads/:id", roles: ["window"], page: () => import("./pages/window/thread.jsx") },
  { path: "/window/complaints", roles: ["window"], nav: ["投诉", "Complaints"], page: () => import("./pages/window/complaints.jsx") },
  { path: "/window/stats", roles: ["window"], nav: ["统计", "Statistics"], page: () => import("./pages/window/stats.jsx") },
  { path: "/policy", roles: ["policy"], nav: ["规则版本", "Rule versions"], page: () => import("./pages/policy/home.jsx") },
  { path: "/policy/edit/:ruleset/:version", roles: ["policy"], page: () => import("./pages/policy/edit.jsx") },
  { path: "/policy/rules/:ruleset/versions/:version", roles: ["policy"],
    page: () => import("./pages/policy/version.jsx") },
  { path: "/policy/history/:ruleset", roles: ["policy"], page: () => import("./pages/policy/history.jsx") },
];

// Where each role lands after signing in.
export const HOME = { enterprise: "/enterprise/apply", agency: "/agency", bank: "/bank", window: "/window",
                      policy: "/policy" };
