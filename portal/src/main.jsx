// The portal's entry: picks the page for the hash, checks the role, loads the page's chunk.
import { Component, StrictMode, lazy, Suspense, useEffect, useMemo, useState } from "react";
import { createRoot } from "react-dom/client";
import "./styles.css";
import { lang, onLangChange, t } from "./i18n.js";
import { Layout } from "./layout.jsx";
import { currentPath, match, navigate } from "./router.js";
import { HOME } from "./routes.js";
import { session } from "./session.js";

const pages = new Map(); // one lazy component per route, made once

function pageOf(route) {
  if (!pages.has(route)) pages.set(route, lazy(route.page));
  return pages.get(route);
}

function usePath() {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return path;
}

function useLang() {
  const [value, setValue] = useState(lang());
  useEffect(() => onLangChange(setValue), []);
  return value;
}

class PageError extends Component {
  state = { error: null };
  static getDerivedStateFromError(error) {
    return { error };
  }
  render() {
    if (this.state.error) {
      return <p role="alert" className="error">{t("页面出错：", "This page failed: ")}{String(this.state.error.message)}</p>;
    }
    return this.props.children;
  }
}

function App() {
  const path = usePath();
  const language = useLang();
  const who = session();
  const found = useMemo(() => match(path), [path]);
  const target = !found ? (who ? HOME[who.role] : "/sign-in")
    : found.route.roles && !(who && found.route.roles.includes(who.role)) ? "/sign-in" : null;
  useEffect(() => {
    if (target) navigate(target);
  }, [target]);
  useEffect(() => {
    document.title = `${t("获得信贷“一件事”", "Getting Credit One-Stop")}`;
  }, [language]);
  if (target) return null;
  const Page = pageOf(found.route);
  return (
    <Layout path={path}>
      <PageError key={path}>
        <Suspense fallback={<p>{t("正在加载…", "Loading…")}</p>}>
          <Page key={path} params={found.params} />
        </Suspense>
      </PageError>
    </Layout>
  );
}

createRoot(document.getElementById("app")).render(<StrictMode><App /></StrictMode>);
