// Uploading a material (材料): the file's SHA-256 computed here (crypto.subtle), POST /materials
// for a presigned POST, the file sent straight to the bucket with XMLHttpRequest (a real progress
// bar), then GET /materials/{id} polled until the bucket's copy is checked (uploaded/rejected).
// <MaterialUpload> is one kind's row; <MaterialsField> is the application form's `materials` field.
import { useEffect, useId, useState } from "react";
import { api, message } from "../api.js";
import { pick, t } from "../i18n.js";

const TYPES = { pdf: "application/pdf", png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg" };
const POLLS = 20;

let kindsOnce = null;
export function materialKinds() {
  kindsOnce = kindsOnce || api("GET", "/materials/kinds").catch((e) => { kindsOnce = null; throw e; });
  return kindsOnce;
}

async function sha256Hex(file) {
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function contentTypeOf(file) {
  return file.type || TYPES[(file.name.split(".").pop() || "").toLowerCase()] || "application/octet-stream";
}

function postToBucket(upload, file, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    Object.entries(upload.fields).forEach(([k, v]) => form.append(k, v));
    form.append("file", file);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", upload.url);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onload = () => (xhr.status < 300 ? resolve() : reject(new Error(`S3 ${xhr.status}`)));
    xhr.onerror = () => reject(new Error("network"));
    xhr.send(form);
  });
}

async function checked(id) {
  for (let i = 0; i < POLLS; i += 1) {
    const material = await api("GET", `/materials/${encodeURIComponent(id)}`);
    if (material.status !== "awaiting_upload") return material;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("timeout");
}

// Upload one file of `kind` (or a kind chosen here when `kind` is null); onUploaded(material).
export function MaterialUpload({ kind, kinds, onUploaded, disabled }) {
  const id = useId();
  const [chosen, setChosen] = useState(kind || "");
  const [progress, setProgress] = useState(null);
  const [state, setState] = useState(null); // {ok, text}
  const names = Object.fromEntries((kinds || []).map((k) => [k.kind, k]));
  const label = kind ? pick(names[kind]) || kind : t("其他材料（选择类别）", "Another material (choose its kind)");

  async function send(file) {
    if (!file || !chosen) return;
    setState({ ok: null, text: t("正在计算文件指纹…", "Computing the file's fingerprint…") });
    setProgress(0);
    try {
      const declared = { kind: chosen, filename: file.name, content_type: contentTypeOf(file), size: file.size,
                         sha256: await sha256Hex(file) };
      const material = await api("POST", "/materials", { body: declared });
      setState({ ok: null, text: t("正在上传…", "Uploading…") });
      await postToBucket(material.upload, file, setProgress);
      setState({ ok: null, text: t("正在核验…", "Checking…") });
      const done = await checked(material.id);
      if (done.status === "uploaded") {
        setState({ ok: true, text: t(`已上传：${file.name}`, `Uploaded: ${file.name}`) });
        onUploaded({ ...done, filename: file.name });
      } else {
        setState({ ok: false, text: t("文件与声明不符，已拒收，请重新选择", "The file did not match what was declared; choose it again") });
      }
    } catch (e) {
      setProgress(null);
      setState({ ok: false, text: e.errors ? e.errors.map(message).join("；")
        : t(`上传失败（${e.message}），请重试`, `The upload failed (${e.message}); try again`) });
    }
  }

  return (
    <div className="material-row">
      {!kind && (
        <label className="field">{t("材料类别", "Kind of material")}
          <select value={chosen} onChange={(e) => setChosen(e.target.value)} disabled={disabled}>
            <option value="">{t("请选择", "Choose")}</option>
            {(kinds || []).map((k) => <option key={k.kind} value={k.kind}>{pick(k)}</option>)}
          </select>
        </label>
      )}
      <label className="field" htmlFor={`${id}-file`}>{label}</label>
      <input id={`${id}-file`} type="file" accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
             disabled={disabled || !chosen} aria-describedby={`${id}-state`}
             onChange={(e) => send(e.target.files[0])} />
      {progress !== null && (
        <progress max="100" value={progress} aria-label={t(`${label}上传进度`, `${label}: upload progress`)}>
          {progress}%
        </progress>
      )}
      <p id={`${id}-state`} role="status" className={state?.ok === false ? "error" : state?.ok ? "ok" : "hint"}>
        {state?.text || ""}
      </p>
    </div>
  );
}

// rjsf's custom field for `materials`: a row per kind the pre-check says is missing
// (formContext.missing), one for any other kind, and the list of what is uploaded (ids in formData).
export function MaterialsField({ formData, onChange, formContext, errorSchema, disabled }) {
  const [kinds, setKinds] = useState([]);
  const [uploaded, setUploaded] = useState([]);
  useEffect(() => { materialKinds().then(setKinds).catch(() => setKinds([])); }, []);
  const ids = formData || [];
  const missing = formContext?.missing || [];
  const names = Object.fromEntries(kinds.map((k) => [k.kind, k]));
  const add = (material) => {
    setUploaded((old) => [...old, material]);
    onChange([...ids.filter((x) => x !== material.id), material.id]);
  };
  const errors = errorSchema?.__errors || [];
  return (
    <fieldset className="materials" id="root_materials" tabIndex={-1}>
      <legend>{t("申请材料", "Materials")}</legend>
      {!formContext?.checked && (
        <p className="hint">{t("点击“预检”可查看还需上传哪些材料；数据专区已有的材料无需上传。",
                               "Run the pre-check to see which materials are still needed; what the data zone holds need not be uploaded.")}</p>
      )}
      {missing.map((m) => <MaterialUpload key={m.kind} kind={m.kind} kinds={kinds} onUploaded={add} disabled={disabled} />)}
      <MaterialUpload kind={null} kinds={kinds} onUploaded={add} disabled={disabled} />
      {ids.length > 0 && (
        <>
          <h3 className="small-heading">{t("已上传的材料", "Uploaded materials")}</h3>
          <ul>
            {ids.map((mid) => {
              const m = uploaded.find((u) => u.id === mid);
              return <li key={mid}>{m ? `${pick(names[m.kind]) || m.kind}：${m.filename}` : mid}</li>;
            })}
          </ul>
        </>
      )}
      {errors.length > 0 && <ul className="error-detail">{errors.map((e, i) => <li key={i}>{e}</li>)}</ul>}
    </fieldset>
  );
}
