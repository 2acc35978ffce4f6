// Sign-in through Cognito's hosted UI, in the browser: the authorization-code flow with PKCE for
// a public app client (no secret). The page sends the person to <domain>/oauth2/authorize with a
// code challenge; the hosted UI sends them back to the portal with ?code&state; the page trades
// the code and its verifier for tokens at <domain>/oauth2/token (the one origin the CSP lets it
// call) and keeps the ID token as its bearer: the API checks its audience (the app client),
// `cognito:groups` (the role) and `custom:subject` (the party). Sign-out goes through <domain>/logout.
import { signIn } from "./session.js";

const PENDING = "gc.hosted-ui"; // {state, verifier} while the person is at the hosted UI

function base64url(bytes) {
  let text = "";
  bytes.forEach((b) => { text += String.fromCharCode(b); });
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomText(size = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(size)));
}

async function challengeOf(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

// The portal's own address (no query, no hash): where the hosted UI sends people back.
function here() {
  return `${location.origin}${location.pathname}`;
}

export async function startSignIn(hosted) {
  const state = randomText(16);
  const verifier = randomText(48);
  sessionStorage.setItem(PENDING, JSON.stringify({ state, verifier }));
  const query = new URLSearchParams({
    response_type: "code", client_id: hosted.client_id, redirect_uri: hosted.redirect_uri || here(),
    scope: hosted.scope || "openid", state, code_challenge: await challengeOf(verifier),
    code_challenge_method: "S256",
  });
  location.assign(`${hosted.domain}/oauth2/authorize?${query}`);
}

export function returnedFromHostedUi() {
  const query = new URLSearchParams(location.search);
  return query.has("code") || query.has("error");
}

// The claims of a JWT, read for display only (the API verifies the token on every call).
export function claimsOf(token) {
  const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

// Who the ID token names: a Cognito token's role group and custom:subject (a dev token's role/sub).
export function identityOf(claims) {
  const groups = Array.isArray(claims["cognito:groups"]) ? claims["cognito:groups"] : [];
  return { role: groups[0] || claims.role, subject: claims["custom:subject"] || claims.sub };
}

// Back from the hosted UI: check the state, trade the code for tokens, sign in with the ID token.
// Returns the role; throws an Error whose message says what went wrong (shown by the page).
export async function completeSignIn(hosted) {
  const query = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, "", `${location.pathname}#/sign-in`); // the code is used once: drop it
  if (query.has("error")) throw new Error(query.get("error_description") || query.get("error"));
  if (!pending || query.get("state") !== pending.state) throw new Error("state mismatch");
  const response = await fetch(`${hosted.domain}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code", client_id: hosted.client_id, code: query.get("code"),
      redirect_uri: hosted.redirect_uri || here(), code_verifier: pending.verifier,
    }),
  });
  const tokens = await response.json().catch(() => ({}));
  if (!response.ok || !tokens.id_token) throw new Error(tokens.error || `token endpoint: HTTP ${response.status}`);
  const { role, subject } = identityOf(claimsOf(tokens.id_token));
  if (!role) throw new Error("no role group");
  signIn(tokens.id_token, role, subject, logoutUrl(hosted));
  return role;
}

export function logoutUrl(hosted) {
  const query = new URLSearchParams({ client_id: hosted.client_id, logout_uri: hosted.logout_uri || here() });
  return `${hosted.domain}/logout?${query}`;
}
