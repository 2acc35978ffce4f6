// An application's status (GET /applications/{id}): what is happening now, the decision, the one
// notice of missing items with the amend form when returned, each review with its due date and
// countdown, each bank's outcome, the offers to compare and accept, and the history by round.
import { useCallback, useEffect, useState } from "react";
import { api, message } from "../../api.js";
import { formatYuan, pick, t } from "../../i18n.js";
import { AGENCIES, SIZES, percent } from "./precheck.jsx";
import { Offers } from "./offers.jsx";
import { Amend } from "./amend.jsx";

// An application's statuses (chalicelib/domain/application.py Status), in both languages.
export const STATUSES = {
  in_review: ["审核中", "Under review"], at_banks: ["银行审批中", "With the banks"], approved: ["已获批", "Approved"],
  declined: ["银行未批准", "Declined by the banks"], rejected: ["未通过审核", "Rejected"], withdrawn: ["已撤回", "Withdrawn"],
  returned: ["需补正材料", "Returned for more material"], accepted: ["已接受贷款方案", "Offer accepted"],
};
const REVIEW = { pending: ["审核中", "Pending"], approved: ["通过", "Approved"], rejected: ["未通过", "Rejected"],
                 returned: ["退回补正", "Returned for more"], cancelled: ["已取消", "Cancelled"] };
const BANK = { waiting: ["等待审核完成", "Waiting for the reviews"], sent: ["银行审批中", "With the bank"],
               approved: ["同意授信", "Approved"], declined: ["未批准", "Declined"], cancelled: ["已取消", "Cancelled"] };
const ACTIONS = { submitted: ["提交申请", "Submitted"], review_returned: ["审核部门退回补正", "A reviewer asked for more"],
                  returned: ["发出补正通知", "Notice of missing items sent"], amended: ["提交补正", "Amended"],
                  review_approved: ["审核通过", "Review approved"], review_rejected: ["审核未通过", "Review rejected"],
                  review_overdue: ["审核超期", "Review overdue"], sent_to_banks: ["推送至银行", "Sent to the banks"],
                  bank_approved: ["银行同意授信", "A bank approved"], bank_declined: ["银行未批准", "A bank declined"],
                  accepted: ["接受方案", "Offer accepted"], withdrawn: ["撤回申请", "Withdrawn"] };

export function statusName(status) {
  return STATUSES[status] ? t(...STATUSES[status]) : status;
}

export function agencyName(code) {
  return AGENCIES[code] ? t(...AGENCIES[code]) : code;
}

// A review's due day and, while it is pending, the working days left as the service's calendar
// counts them (public holidays and 调休 make-up days included: the API's `working_days_left`).
export function Countdown({ due, left }) {
  if (!due) return null;
  if (left === undefined || left === null) return <>{t(`（期限 ${due}）`, ` (due ${due})`)}</>;
  const text = left > 0 ? t(`还剩 ${left} 个工作日`, `${left} working day${left === 1 ? "" : "s"} left`)
    : left === 0 ? t("今天到期", "due today") : t(`已超期 ${-left} 个工作日`, `${-left} working day${left === -1 ? "" : "s"} overdue`);
  return <>{t(`期限 ${due}，`, `due ${due}, `)}<strong className={left < 0 ? "error" : undefined}>{text}</strong></>;
}

export default function Application({ params }) {
  const [app, setApp] = useState(null);
  const [error, setError] = useState(null);
  const [announce, setAnnounce] = useState(null); // [zh, en]
  const load = useCallback(() => api("GET", `/applications/${encodeURIComponent(params.id)}`).then(setApp)
    .catch((e) => setError(e.errors ? e.errors.map(message).join("；") : String(e))), [params.id]);
  useEffect(() => { load(); }, [load]);
  const changed = (text) => { setAnnounce(text); return load(); };
  return (
    <section aria-labelledby="page-title">
      <p><a href="#/enterprise/applications">{t("← 我的申请", "← My applications")}</a></p>
      <h1 id="page-title">{t("申请进度", "Application status")}</h1>
      <p role="status" className={announce ? "notice" : "visually-hidden"}>{announce ? t(...announce) : ""}</p>
      {error && <p role="alert" className="error">{error}</p>}
      {!app && !error && <p>{t("正在加载…", "Loading…")}</p>}
      {app && (
        <>
          <dl className="card summary">
            <dt>{t("申请编号", "Application number")}</dt><dd>{app.id}</dd>
            <dt>{t("状态", "Status")}</dt><dd className="status">{statusName(app.status)}</dd>
            {app.status_text && (<><dt>{t("说明", "What happens now")}</dt><dd>{pick(app.status_text)}</dd></>)}
            {app.amount !== undefined && (<><dt>{t("申请金额", "Amount")}</dt><dd>{formatYuan(app.amount)}</dd></>)}
            {app.term_months !== undefined && (<><dt>{t("期限", "Term")}</dt>
              <dd>{t(`${app.term_months} 个月`, `${app.term_months} months`)}</dd></>)}
            {app.round > 1 && (<><dt>{t("审核轮次", "Round")}</dt><dd>{app.round}</dd></>)}
          </dl>
          {app.status === "returned" && app.notice && (
            <Amend app={app} onAmended={() => changed(["补正已提交，已退回审核部门重新审核。", "Amendment sent: back to the reviewers."])} />
          )}
          <Decision decision={app.decision} />
          <Reviews reviews={app.reviews || []} />
          <Banks banks={app.banks || []} />
          {(app.banks || []).some((b) => b.status === "approved") && (
            <Offers app={app} onAccepted={() => changed(["已接受方案。", "Offer accepted."])} />
          )}
          <History history={app.history || []} />
        </>
      )}
    </section>
  );
}

function Decision({ decision }) {
  if (!decision) return null;
  const size = SIZES[decision.enterprise_size];
  const subsidy = decision.first_loan_subsidy;
  return (
    <section className="card" aria-labelledby="decision-title">
      <h2 id="decision-title">{t("资格判定", "Eligibility")}</h2>
      <dl className="summary">
        <dt>{t("是否符合条件", "Eligible")}</dt><dd>{decision.eligible ? t("符合", "Yes") : t("不符合", "No")}</dd>
        {size && (<><dt>{t("企业规模", "Enterprise size")}</dt><dd>{t(...size)}</dd></>)}
        {subsidy && (<><dt>{t("首贷贴息", "First-loan subsidy")}</dt><dd>{subsidy.eligible
          ? t(`${percent(subsidy.interest_subsidy_rate)} 贴息或不超过 ${percent(subsidy.guarantee_fee_subsidy_rate_cap)} 的担保费补助`,
              `${percent(subsidy.interest_subsidy_rate)} of the interest or up to ${percent(subsidy.guarantee_fee_subsidy_rate_cap)} of the guarantee fee`)
          : t("不适用", "Not applicable")}</dd></>)}
      </dl>
      {decision.ineligible_reasons?.length > 0 && <ul>{decision.ineligible_reasons.map((r, i) => <li key={i}>{pick(r)}</li>)}</ul>}
    </section>
  );
}

function Reviews({ reviews }) {
  if (!reviews.length) return null;
  return (
    <section className="card" aria-labelledby="reviews-title">
      <h2 id="reviews-title">{t("部门审核", "Agency reviews")}</h2>
      <ol className="timeline">
        {reviews.map((r) => (
          <li key={r.id}>
            <strong>{agencyName(r.agency)}</strong>{t(`（第 ${r.round} 轮）：`, ` (round ${r.round}): `)}
            {REVIEW[r.status] ? t(...REVIEW[r.status]) : r.status}
            {r.overdue_at && r.status === "pending" && <span className="error">{t("（已超期）", " (overdue)")}</span>}
            {" · "}<Countdown due={r.due} left={r.working_days_left} />
            {r.reason && <div className="hint">{r.reason}</div>}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Banks({ banks }) {
  if (!banks.length) return null;
  return (
    <section className="card" aria-labelledby="banks-title">
      <h2 id="banks-title">{t("银行审批", "The banks")}</h2>
      <ul className="timeline">
        {banks.map((b) => (
          <li key={b.code}>
            <strong>{pick(b, "name") || b.code}</strong>{t("：", ": ")}{BANK[b.status] ? t(...BANK[b.status]) : b.status}
            {b.accepted_at && <strong className="ok">{t("（已接受此方案）", " (offer accepted)")}</strong>}
            {b.status === "approved" && (
              <div>{formatYuan(b.amount)} · {percent(b.annual_rate)} · {t(`${b.term_months} 个月`, `${b.term_months} months`)}</div>
            )}
            {b.reason && <div className="hint">{b.reason}</div>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function History({ history }) {
  if (!history.length) return null;
  const rounds = [...new Set(history.map((h) => h.round || 1))];
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">{t("办理记录", "History")}</h2>
      {rounds.map((round) => (
        <div key={round}>
          <h3 className="small-heading">{t(`第 ${round} 轮`, `Round ${round}`)}</h3>
          <ol className="timeline">
            {history.filter((h) => (h.round || 1) === round).map((h) => (
              <li key={h.seq}>
                <time dateTime={h.at}>{h.at.slice(0, 16).replace("T", " ")}</time>{" "}
                {ACTIONS[h.action] ? t(...ACTIONS[h.action]) : h.action}
                {h.detail?.agency && t(`（${agencyName(h.detail.agency)}）`, ` (${agencyName(h.detail.agency)})`)}
                {h.detail?.reason && <span className="hint"> {h.detail.reason}</span>}
              </li>
            ))}
          </ol>
        </div>
      ))}
    </section>
  );
}
