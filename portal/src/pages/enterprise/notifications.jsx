// Notifications (GET /notifications, newest first): unread ones first shown, each markable read
// (POST /notifications/{id}/read); the header's badge follows.
import { useEffect, useState } from "react";
import { api, errorText, useLatest } from "../../api.js";
import { pick, t } from "../../i18n.js";
import { NOTIFICATIONS_CHANGED } from "../../components/unread.jsx";

export default function Notifications() {
  const [onlyUnread, setOnlyUnread] = useState(true);
  const [data, setData] = useState(null);
  const [cursor, setCursor] = useState(null);
  const [error, setError] = useState(null);
  const [announce, setAnnounce] = useState(null); // [zh, en]
  const latest = useLatest();
  const load = (more) => latest(api("GET", `/notifications?limit=20${onlyUnread ? "&unread=true" : ""}${more ? `&cursor=${encodeURIComponent(more)}` : ""}`))
    .then((r) => { setData((old) => (more ? [...old, ...r.items] : r.items)); setCursor(r.cursor); })
    .catch((e) => setError(errorText(e)));
  useEffect(() => { load(null); }, [onlyUnread]);

  async function markRead(n) {
    try {
      await api("POST", `/notifications/${encodeURIComponent(n.id)}/read`);
      setData((old) => (onlyUnread ? old.filter((x) => x.id !== n.id) : old.map((x) => (x.id === n.id ? { ...x, read: true } : x))));
      setAnnounce(["已标记为已读。", "Marked as read."]);
      window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
    } catch (e) {
      setError(errorText(e));
    }
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t("消息", "Notifications")}</h1>
      <label className="choice"><input type="checkbox" checked={onlyUnread} onChange={(e) => setOnlyUnread(e.target.checked)} />
        {t("只看未读", "Unread only")}</label>
      <p role="status" className="visually-hidden">{announce ? t(...announce) : ""}</p>
      {error && <p role="alert" className="error">{error}</p>}
      {data && data.length === 0 && <p>{onlyUnread ? t("没有未读消息。", "No unread notifications.") : t("没有消息。", "No notifications.")}</p>}
      <ul className="plain">
        {(data || []).map((n) => (
          <li key={n.id} className={`card${n.read ? "" : " unread"}`}>
            <p>{pick(n, "text")}</p>
            <p className="hint"><time dateTime={n.at}>{n.at.slice(0, 16).replace("T", " ")}</time>
              {n.application_id && <> · <a href={`#/enterprise/applications/${n.application_id}`}>{t("查看申请", "See the application")}</a></>}</p>
            {!n.read && <button type="button" className="button secondary" onClick={() => markRead(n)}>{t("标为已读", "Mark as read")}</button>}
          </li>
        ))}
      </ul>
      {cursor && <button type="button" className="button secondary" onClick={() => load(cursor)}>{t("更多", "More")}</button>}
    </section>
  );
}
