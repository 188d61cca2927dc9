// A small History-API router: the app has a dozen screens, which do not need a routing library.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode,
  type MouseEvent } from "react";

interface Router {
  /** Counts navigations: a screen opened again (the same link clicked twice) starts afresh. */
  visit: number;
  path: string;
  query: URLSearchParams;
  navigate: (to: string, replace?: boolean) => void;
}

const RouterContext = createContext<Router | null>(null);

export function RouterProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(() => window.location.pathname + window.location.search);
  const [visit, setVisit] = useState(0);
  useEffect(() => {
    const pop = () => {
      setLocation(window.location.pathname + window.location.search);
      setVisit((v) => v + 1);
    };
    window.addEventListener("popstate", pop);
    return () => window.removeEventListener("popstate", pop);
  }, []);
  const navigate = useCallback((to: string, replace = false) => {
    if (replace) history.replaceState(null, "", to);
    else history.pushState(null, "", to);
    setLocation(to);
    setVisit((v) => v + 1);
    window.scrollTo(0, 0);
  }, []);
  const value = useMemo<Router>(() => {
    const url = new URL(location, window.location.origin);
    return { visit, path: url.pathname, query: url.searchParams, navigate };
  }, [location, visit, navigate]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

export function useRouter(): Router {
  const value = useContext(RouterContext);
  if (!value) throw new Error("useRouter outside RouterProvider");
  return value;
}

/** Matches "/incidents/:id" against a path; returns the parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i] ?? "";
    const g = got[i] ?? "";
    if (w.startsWith(":")) params[w.slice(1)] = decodeURIComponent(g);
    else if (w !== g) return null;
  }
  return params;
}

export function Link({ to, children, className, current }:
  { to: string; children: ReactNode; className?: string; current?: boolean }) {
  const { navigate } = useRouter();
  const click = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={click} className={current ? `${className ?? ""} current`.trim() : className}
      aria-current={current ? "page" : undefined}>{children}</a>
  );
}
