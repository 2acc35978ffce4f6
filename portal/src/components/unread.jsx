// The header's unread badge for an enterprise: how many notifications are unread (GET
// /notifications?unread=true), refreshed on every page change and when a page marks one read.
import { useEffect, useState } from "react";
import { api } from "../api.js";
import { t } from "../i18n.js";

export const NOTIFICATIONS_CHANGED = "gc:notifications";
const PAGE = 50;

export function UnreadBadge() {
  const [count, setCount] = useState(null);
  useEffect(() => {
    const update = () => api("GET", `/notifications?unread=true&limit=${PAGE}`)
      .then((r) => setCount(`${r.items.length}${r.cursor ? "+" : ""}`)).catch(() => setCount(null));
    update();
    window.addEventListener("hashchange", update);
    window.addEventListener(NOTIFICATIONS_CHANGED, update);
    return () => {
      window.removeEventListener("hashchange", update);
      window.removeEventListener(NOTIFICATIONS_CHANGED, update);
    };
  }, []);
  if (!count || count === "0") return null;
  return <span className="badge" data-testid="unread-badge">{count}<span className="visually-hidden">{t(" 条未读", " unread")}</span></span>;
}
