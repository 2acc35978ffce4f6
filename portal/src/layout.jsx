// The frame of every page: skip link, header (service name, menu for the role, language switch,
// who is signed in, sign out), <main> holding the page, footer.
import { routes } from "./routes.js";
import { lang, setLang, t } from "./i18n.js";
import { session, signOut } from "./session.js";
import { navigate } from "./router.js";
import { UnreadBadge } from "./components/unread.jsx";

const ROLE_NAMES = { enterprise: ["企业", "Enterprise"], agency: ["审核部门", "Agency"], bank: ["银行", "Bank"],
                     window: ["综合窗口", "Service window"], policy: ["政策管理", "Policy"] };

export function roleName(role) {
  const names = ROLE_NAMES[role];
  return names ? t(...names) : role;
}

function skipToMain(event) {
  event.preventDefault();
  const main = document.getElementById("main");
  main.focus();
  main.scrollIntoView();
}

// Sign out here, and at the hosted UI too when the person signed in there (it comes back to the portal).
function leave(who) {
  signOut();
  if (who.logout) location.assign(who.logout);
  else navigate("/sign-in");
}

export function Layout({ path, children }) {
  const who = session();
  const menu = who ? routes.filter((r) => r.nav && r.roles?.includes(who.role)) : [];
  // The menu entry holding this page: the longest path it lies under (/window/threads/x: threads).
  const current = menu.filter((r) => path === r.path || path.startsWith(`${r.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
  return (
    <>
      <a className="skip-link" href="#main" onClick={skipToMain}>{t("跳到主要内容", "Skip to main content")}</a>
      <header className="site-header">
        <p className="site-name">{t("获得信贷“一件事”", "Getting Credit One-Stop")}</p>
        {menu.length > 0 && (
          <nav aria-label={t("主菜单", "Main menu")}>
            <ul>
              {menu.map((r) => (
                <li key={r.path}>
                  <a href={`#${r.path}`} aria-current={r === current ? "page" : undefined}>{t(...r.nav)}{r.badge === "unread" && <UnreadBadge />}</a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div className="site-tools">
          <button type="button" className="link-button" lang={lang() === "zh" ? "en" : "zh-CN"}
                  onClick={() => setLang(lang() === "zh" ? "en" : "zh")}>
            {lang() === "zh" ? "English" : "中文"}
          </button>
          {who && (
            <>
              <span className="who">{roleName(who.role)} · {who.subject}</span>
              <button type="button" className="link-button" onClick={() => leave(who)}>
                {t("退出", "Sign out")}
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>{children}</main>
      <footer className="site-footer">
        <p>{t("北京市获得信贷“一件事”集成服务", "Beijing's integrated Getting Credit service")}</p>
      </footer>
    </>
  );
}
