// Who is signed in: AdminService.WhoAmI over the session cookie. One store for the whole app.
import { useEffect, useState } from "preact/hooks";
import { Role, type Principal } from "@gen/loket/v1/admin_pb.js";
import { clients, setUnauthenticatedHandler, Code, ConnectError } from "./api";

type State = { principal: Principal | null; loading: boolean };
let state: State = { principal: null, loading: true };
const listeners = new Set<(s: State) => void>();
let inflight: Promise<void> | null = null;

// SignIn's principal is kept for this tab as a hint, for roles WhoAmI may not answer (the
// display board). It is not a secret: name, role, office; the session token is in an HttpOnly cookie.
const HINT = "loket.principal";

function set(s: State) {
  state = s;
  for (const l of listeners) l(s);
}

// loket-web sets this readable cookie beside the HttpOnly session cookie (web/server/session.ts).
// Without it, and without this tab's hint, no one is signed in here: the public's pages do not ask
// WhoAmI for a 401 on every visit.
function mayBeSignedIn(): boolean {
  return /(^|;\s*)loket_signed_in=1(;|$)/.test(document.cookie) || readHint() !== null;
}

export function refreshSession(): Promise<void> {
  if (inflight) return inflight;
  if (!mayBeSignedIn()) {
    set({ principal: null, loading: false });
    return Promise.resolve();
  }
  inflight = (async () => {
    try {
      const p = await clients.admin.whoAmI({});
      set({ principal: p, loading: false });
    } catch (e) {
      const err = ConnectError.from(e);
      if (err.code === Code.PermissionDenied) {
        set({ principal: readHint(), loading: false });
      } else if (err.code === Code.Unauthenticated) {
        clearHint();
        set({ principal: null, loading: false });
      } else {
        // Offline or loketd down: keep what we knew so an offline clinic can still queue work.
        set({ principal: state.principal ?? readHint(), loading: false });
      }
    } finally {
      inflight = null;
    }
  })();
  return inflight;
}

function readHint(): Principal | null {
  try {
    const raw = sessionStorage.getItem(HINT);
    if (!raw) return null;
    const o = JSON.parse(raw) as { id: string; name: string; role: number; officeId: string; clinicId: string; courierId: string; username: string };
    return {
      $typeName: "loket.v1.Principal",
      id: BigInt(o.id),
      officeId: o.officeId,
      name: o.name,
      role: o.role as Role,
      clinicId: o.clinicId,
      courierId: o.courierId,
      createdAt: "",
      disabled: false,
      username: o.username,
    } as Principal;
  } catch {
    return null;
  }
}

function clearHint() {
  try {
    sessionStorage.removeItem(HINT);
  } catch {
    /* ignore */
  }
}

/** After SignIn: remember who signed in, then confirm with WhoAmI. */
export function signedIn(p: Principal | undefined): Promise<void> {
  if (p) {
    try {
      sessionStorage.setItem(
        HINT,
        JSON.stringify({ id: p.id.toString(), name: p.name, role: p.role, officeId: p.officeId, clinicId: p.clinicId, courierId: p.courierId, username: p.username }),
      );
    } catch {
      /* ignore */
    }
    set({ principal: p, loading: false });
  }
  return refreshSession();
}

/** localStorage keys of the lists kept for offline use (pages/case-parts.tsx); sign-out removes them. */
export const KEPT_PREFIX = "loket.kept.";

function clearKept() {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(KEPT_PREFIX)) localStorage.removeItem(key);
  } catch {
    /* storage off: nothing was kept */
  }
}

export async function signOut(): Promise<void> {
  try {
    await clients.session.signOut({});
  } catch {
    /* the cookie is cleared by loket-web when it answers; if it cannot, the session expires */
  }
  clearHint();
  clearKept();
  set({ principal: null, loading: false });
  location.hash = "#/signin";
}

setUnauthenticatedHandler(() => {
  clearHint();
  if (state.principal) set({ principal: null, loading: false });
});

export function useSession(): { principal: Principal | null; loading: boolean; signOut: () => Promise<void> } {
  const [s, setS] = useState<State>(state);
  useEffect(() => {
    listeners.add(setS);
    if (state.loading && !inflight) void refreshSession();
    setS(state);
    return () => {
      listeners.delete(setS);
    };
  }, []);
  return { principal: s.principal, loading: s.loading, signOut };
}

/** The page a role lands on after sign-in. */
export function homeOf(role: Role | undefined): string {
  switch (role) {
    case Role.CLINIC:
      return "/clinic";
    case Role.OFFICER:
    case Role.APPROVER:
      return "/desk";
    case Role.COUNTER:
      return "/counter";
    case Role.COURIER:
      return "/courier";
    case Role.DISPLAY:
      return "/board";
    case Role.ADMIN:
      return "/admin";
    default:
      return "/signin";
  }
}

export { Role };

/** The principal as last known, outside components (the outbox sends only its own entries). */
export function currentPrincipal(): Principal | null {
  return state.principal;
}

export function onSessionChange(l: (p: Principal | null) => void): () => void {
  const f = (s: State) => l(s.principal);
  listeners.add(f);
  return () => listeners.delete(f);
}
