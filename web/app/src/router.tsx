// Hash routes inside one SPA at "/". PAGES-B's pages are default exports of
// pages/{counter,kiosk,courier,board,admin}.tsx.
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { useSession, homeOf, Role } from "./session";
import { useT, type Catalog } from "./i18n";
import { Page } from "./layout";
import SignIn from "./pages/signin";
import Verify from "./pages/verify";

export type RouteProps = { params: Record<string, string>; query: URLSearchParams };

type PageModule = { default: ComponentType<RouteProps> };

/** A page loaded on first use, so the public pages' first load carries no clinic, desk, counter,
 * courier, board or admin code (a cheap phone on a slow line pays only for what it shows). The
 * clinic pages load as one chunk (pages/clinic-portal.ts): once one is shown, a clinic that loses
 * its line can still move between them. Sign-in and verification stay in the main bundle. */
function lazyPage(load: () => Promise<PageModule>): ComponentType<RouteProps> {
  let loaded: ComponentType<RouteProps> | null = null;
  let pending: Promise<PageModule> | null = null;
  return function LazyPage(props: RouteProps) {
    const [, setTick] = useState(0);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (loaded) return;
      if (!pending) pending = load();
      let alive = true;
      pending.then(
        (m) => {
          loaded = m.default;
          if (alive) setTick((n) => n + 1);
        },
        () => {
          pending = null;
          if (alive) setFailed(true);
        },
      );
      return () => {
        alive = false;
      };
    }, [failed]);
    if (loaded) {
      const C = loaded;
      return <C {...props} />;
    }
    return failed ? <LoadFailed retry={() => setFailed(false)} /> : <Loading />;
  };
}

const clinicPortal = () => import("./pages/clinic-portal");
// A clinic opening its portal directly fetches the chunk while the session is checked (WhoAmI),
// not after: on a slow line that is one round trip less before its list shows.
if (location.hash.startsWith("#/clinic")) void clinicPortal().catch(() => undefined);
const Clinic = lazyPage(() => clinicPortal().then((m) => ({ default: m.Clinic })));
const ClinicNew = lazyPage(() => clinicPortal().then((m) => ({ default: m.ClinicNew })));
const ClinicCase = lazyPage(() => clinicPortal().then((m) => ({ default: m.ClinicCase })));
const ClinicBook = lazyPage(() => clinicPortal().then((m) => ({ default: m.ClinicBook })));
const Desk = lazyPage(() => import("./pages/desk"));
const DeskCase = lazyPage(() => import("./pages/desk-case"));
const DeskSearch = lazyPage(() => import("./pages/desk-search"));
const Report = lazyPage(() => import("./pages/report"));
const Permit = lazyPage(() => import("./pages/permit"));
const Counter = lazyPage(() => import("./pages/counter"));
const Kiosk = lazyPage(() => import("./pages/kiosk"));
const Courier = lazyPage(() => import("./pages/courier"));
const Board = lazyPage(() => import("./pages/board"));
const Admin = lazyPage(() => import("./pages/admin"));
// Public self-service (issue 10): no sign-in.
const PublicHome = lazyPage(() => import("./pages/public-home"));
const PublicBook = lazyPage(() => import("./pages/public-book"));
const PublicVisit = lazyPage(() => import("./pages/public-visit"));
const PublicTrack = lazyPage(() => import("./pages/public-track"));
const PublicQueue = lazyPage(() => import("./pages/public-queue"));

type Route = {
  pattern: string;
  component: ComponentType<RouteProps>;
  public?: boolean;
  roles?: Role[];
};

const routes: Route[] = [
  { pattern: "/signin", component: SignIn, public: true },
  { pattern: "/verify", component: Verify, public: true },
  { pattern: "/public", component: PublicHome, public: true },
  { pattern: "/book", component: PublicBook, public: true },
  { pattern: "/visit", component: PublicVisit, public: true },
  { pattern: "/track", component: PublicTrack, public: true },
  { pattern: "/queue", component: PublicQueue, public: true },
  { pattern: "/clinic", component: Clinic, roles: [Role.CLINIC] },
  { pattern: "/clinic/new", component: ClinicNew, roles: [Role.CLINIC] },
  { pattern: "/clinic/case/:id", component: ClinicCase, roles: [Role.CLINIC] },
  { pattern: "/clinic/book", component: ClinicBook, roles: [Role.CLINIC] },
  { pattern: "/desk", component: Desk, roles: [Role.OFFICER, Role.APPROVER, Role.ADMIN] },
  { pattern: "/desk/search", component: DeskSearch, roles: [Role.OFFICER, Role.APPROVER, Role.ADMIN] },
  { pattern: "/report", component: Report, roles: [Role.OFFICER, Role.APPROVER, Role.ADMIN] },
  { pattern: "/desk/case/:id", component: DeskCase, roles: [Role.OFFICER, Role.APPROVER, Role.ADMIN] },
  { pattern: "/permit/:id", component: Permit, roles: [Role.OFFICER, Role.APPROVER, Role.ADMIN, Role.COUNTER, Role.CLINIC] },
  { pattern: "/counter", component: Counter },
  { pattern: "/kiosk", component: Kiosk },
  { pattern: "/courier", component: Courier },
  { pattern: "/board", component: Board },
  { pattern: "/admin", component: Admin },
];

export type Location = { path: string; query: URLSearchParams; opened?: number };

export function parseHash(hash: string = location.hash): Location {
  let h = hash.startsWith("#") ? hash.slice(1) : hash;
  if (!h.startsWith("/")) h = "/" + h;
  const q = h.indexOf("?");
  const path = (q >= 0 ? h.slice(0, q) : h).replace(/\/+$/, "") || "/";
  const query = new URLSearchParams(q >= 0 ? h.slice(q + 1) : "");
  return { path, query };
}

function match(pattern: string, path: string): Record<string, string> | null {
  const a = pattern.split("/");
  const b = path.split("/");
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith(":")) {
      if (!b[i]) return null;
      params[a[i].slice(1)] = decodeURIComponent(b[i]);
    } else if (a[i] !== b[i]) {
      return null;
    }
  }
  return params;
}

export function navigate(to: string, replace = false): void {
  const h = "#" + (to.startsWith("/") ? to : "/" + to);
  if (replace) {
    history.replaceState(null, "", h);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    location.hash = h;
  }
}

export function useLocation(): Location {
  const [loc, setLoc] = useState<Location>(parseHash());
  useEffect(() => {
    const h = () => setLoc(parseHash());
    // A header link to the page already open (layout.tsx): the same place, opened anew.
    const again = () => setLoc((l) => ({ ...parseHash(), opened: (l.opened ?? 0) + 1 }));
    window.addEventListener("hashchange", h);
    window.addEventListener("loket:reopen", again);
    return () => {
      window.removeEventListener("hashchange", h);
      window.removeEventListener("loket:reopen", again);
    };
  }, []);
  return loc;
}

const strings: Catalog = {
  id: {
    "router.noAccess": "Halaman ini bukan untuk peran Anda.",
  },
  en: {
    "router.noAccess": "This page is not for your role.",
  },
};

function NotFound() {
  const t = useT(strings);
  return (
    <Page title={t("common.notFound")}>
      <p>{t("common.notFound")}</p>
      <p>
        <a href="#/">{t("common.home")}</a>
      </p>
    </Page>
  );
}

function NoAccess({ home }: { home: string }) {
  const t = useT(strings);
  return (
    <Page title={t("router.noAccess")}>
      <p role="alert">{t("router.noAccess")}</p>
      <p>
        <a href={"#" + home}>{t("common.home")}</a>
      </p>
    </Page>
  );
}

function LoadFailed({ retry }: { retry: () => void }) {
  const t = useT();
  return (
    <div class="loading" role="alert">
      <p>{t("err.offline")}</p>
      <button type="button" onClick={retry}>
        {t("common.retry")}
      </button>
    </div>
  );
}

function Loading() {
  const t = useT();
  return (
    <div class="loading" role="status" aria-live="polite">
      {t("common.loading")}
    </div>
  );
}

// A kiosk stands in the hall for the public, signed in as a counter. Once it is opened in a tab,
// every other page of that tab leads back to it, so Back (or an address typed) does not reach the
// clerk's counter behind it; #/kiosk?exit=1 leaves kiosk mode (staff, setting the device up).
const KIOSK_LOCK = "loket.kiosk";

function kioskRedirect(loc: Location): string | undefined {
  if (loc.path === "/kiosk") {
    if (loc.query.get("exit") === "1") {
      sessionStorage.removeItem(KIOSK_LOCK);
      return "/counter";
    }
    sessionStorage.setItem(KIOSK_LOCK, "1");
    return undefined;
  }
  // Sign-in stays reachable: a kiosk whose session ended signs in again, back to #/kiosk.
  if (sessionStorage.getItem(KIOSK_LOCK) && loc.path !== "/signin") return "/kiosk";
  return undefined;
}

export function Router() {
  const loc = useLocation();
  const { principal, loading } = useSession();

  const kiosk = kioskRedirect(loc);
  if (kiosk) {
    queueMicrotask(() => navigate(kiosk, true));
    return <Loading />;
  }

  if (loc.path === "/") {
    if (loading) return <Loading />;
    // Nobody signed in: the public home (with its staff sign-in link).
    if (!principal) return <PublicHome params={{}} query={loc.query} />;
    const home = homeOf(principal.role);
    queueMicrotask(() => navigate(home, true));
    return <Loading />;
  }
  for (const r of routes) {
    const params = match(r.pattern, loc.path);
    if (!params) continue;
    const C = r.component;
    if (!r.public) {
      if (loading) return <Loading />;
      if (!principal) {
        const next = encodeURIComponent(loc.path + (loc.query.toString() ? "?" + loc.query.toString() : ""));
        queueMicrotask(() => navigate(`/signin?next=${next}`, true));
        return <Loading />;
      }
      if (r.roles && !r.roles.includes(principal.role)) return <NoAccess home={homeOf(principal.role)} />;
    }
    return <C key={`${loc.path}#${loc.opened ?? 0}`} params={params} query={loc.query} />;
  }
  return <NotFound />;
}
