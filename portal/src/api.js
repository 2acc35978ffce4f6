// The one way pages call the API: the bearer token, an Idempotency-Key where the contract takes
// one (kept across the retry of a request that got no answer), and the API's error shape
// {errors: [{path, code, message_zh, message_en}]} turned into an ApiError pages can show.
import { useCallback, useRef } from "react";
import { pick } from "./i18n.js";
import { session, signOut } from "./session.js";

export class ApiError extends Error {
  constructor(status, errors) {
    super(errors.map((e) => e.message_en || e.code).join("; ") || `HTTP ${status}`);
    this.status = status;
    this.errors = errors;
  }
}

function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

// A page that asks again when a filter or page changes shows only its latest request's answer; an
// earlier one still on its way (a slow network) never settles rather than being shown over it:
//   const latest = useLatest(); … latest(api(…)).then(show).catch(showError)
export function useLatest() {
  const counter = useRef(0);
  return useCallback((request) => {
    const mine = ++counter.current;
    return new Promise((resolve, reject) => request.then(
      (answer) => mine === counter.current && resolve(answer),
      (error) => mine === counter.current && reject(error)));
  }, []);
}

// api("GET", "/banks"); api("POST", "/applications", {body, idempotent: true})
export async function api(method, path, { body, idempotent = false } = {}) {
  const headers = { Accept: "application/json" };
  const who = session();
  if (who) headers.Authorization = `Bearer ${who.token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (idempotent) headers["Idempotency-Key"] = newKey();
  const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    response = await fetch(path, init); // once more, same key: the server changes nothing twice
  }
  const text = await response.text();
  const data = text ? safeJson(text) : null;
  if (response.ok) return data;
  const errors = (data && Array.isArray(data.errors)) ? data.errors
    : [{ path: "", code: `http_${response.status}`, message_zh: `请求失败（${response.status}）`,
         message_en: `The request failed (${response.status})` }];
  if (response.status === 401 && who) {
    signOut();
    location.hash = "#/sign-in";
  }
  throw new ApiError(response.status, errors);
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function message(error) {
  return pick(error, "message");
}

// The errors as rjsf's `extraErrors` (each beside the field its JSON pointer names) and the
// list for the summary at the top: [{path, id, text}], id being rjsf's field id (root_a_b_0).
export function errorSchemaOf(errors) {
  const schema = {};
  const summary = [];
  for (const error of errors) {
    const parts = (error.path || "").split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    const text = message(error);
    let node = schema;
    for (const part of parts) node = node[part] = node[part] || {};
    node.__errors = [...(node.__errors || []), text];
    summary.push({ path: error.path, id: ["root", ...parts].join("_"), text });
  }
  return { schema, summary };
}

// Any error a call threw, as one line in the current language (for a page's alert).
export function errorText(error) {
  return error?.errors ? error.errors.map(message).join("；") : String(error?.message || error);
}
