// Who is signed in: {token, role, subject, logout?}, kept in sessionStorage (gone when the tab
// closes); `logout` is the hosted UI's sign-out address when the person signed in there.
const KEY = "gc.session";

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

export function signIn(token, role, subject, logout = null) {
  sessionStorage.setItem(KEY, JSON.stringify({ token, role, subject, logout }));
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}
