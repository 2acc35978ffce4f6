// Who is signed in: {token, role, subject}, kept in sessionStorage (gone when the tab closes).
const KEY = "gc.session";

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

export function signIn(token, role, subject) {
  sessionStorage.setItem(KEY, JSON.stringify({ token, role, subject }));
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}
