// A hash router (#/enterprise/apply/ip_pledge): the app is one HTML page served at `/`.
import { routes } from "./routes.js";

export function currentPath() {
  const hash = location.hash || "";
  return hash.startsWith("#/") ? hash.slice(1).split("?")[0] : "/";
}

export function navigate(path) {
  location.hash = `#${path}`;
}

// The route matching `path` and its parameters, or null.
export function match(path) {
  const parts = path.split("/").filter(Boolean);
  for (const route of routes) {
    const pattern = route.path.split("/").filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params = {};
    const ok = pattern.every((p, i) => {
      if (p.startsWith(":")) {
        params[p.slice(1)] = decodeURIComponent(parts[i]);
        return true;
      }
      return p === parts[i];
    });
    if (ok) return { route, params };
  }
  return null;
}
