// Sign-in: user name + password -> SessionService.SignIn (loket-web turns the token into an
// HttpOnly cookie), then the role's home page.
import { useState, useEffect, useRef } from "preact/hooks";
import { Page } from "../layout";
import { useT } from "../i18n";
import { clients, errorText, isBusy, retryAfterSeconds, Code, ConnectError } from "../api";
import { signedIn, homeOf, useSession } from "../session";
import { navigate, type RouteProps } from "../router";
import { signinStrings } from "./signin.i18n";

function safeNext(next: string | null): string | null {
  // Only our own hash routes: "/clinic/case/12", never "//evil" or "javascript:".
  if (!next || !/^\/[A-Za-z0-9/_\-?=&.%]*$/.test(next) || next.startsWith("//") || next.startsWith("/signin")) return null;
  return next;
}

export default function SignIn({ query }: RouteProps) {
  const t = useT(signinStrings);
  const { principal, loading } = useSession();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [lockedUntil, setLockedUntil] = useState<number | null>(null);
  const [now, setNow] = useState(Date.now());
  const [lockSeconds, setLockSeconds] = useState(0);
  const [failure, setFailure] = useState<unknown>(null);
  const userRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!loading && principal) navigate(safeNext(query.get("next")) ?? homeOf(principal.role), true);
  }, [loading, principal]);

  useEffect(() => {
    if (lockedUntil === null) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [lockedUntil]);

  async function submit(e: Event) {
    e.preventDefault();
    if (!username.trim() || !password) {
      setError("signin.missing");
      return;
    }
    setBusy(true);
    setError("");
    setLockedUntil(null);
    try {
      const res = await clients.session.signIn({ username: username.trim(), password });
      setPassword("");
      // The principal is set at once; the effect above then leaves for the role's home.
      await signedIn(res.principal);
    } catch (err) {
      const ce = ConnectError.from(err);
      if (ce.code === Code.Unauthenticated) {
        setError("signin.wrong");
      } else if (ce.code === Code.PermissionDenied) {
        setError("signin.disabled"); // only the right password of a disabled account hears this
      } else if (ce.code === Code.ResourceExhausted && !isBusy(ce)) {
        const s = retryAfterSeconds(ce);
        if (s !== undefined) {
          setLockedUntil(Date.now() + s * 1000);
          setLockSeconds(s);
          setNow(Date.now());
          setError("locked");
        } else {
          setError("signin.lockedNoTime");
        }
      } else {
        setFailure(err);
        setError("failure");
      }
      setPassword("");
    } finally {
      setBusy(false);
    }
  }

  // The fields are marked only when what was typed was refused, not when loketd was busy or away.
  const credentialsRefused = error !== "" && error !== "failure";
  // Short waits (the growing delay after a few failures) and the lock (minutes) read differently.
  // Kept as keys, worded at render: the language switch re-words a message already shown.
  let message = error === "failure" ? errorText(failure, t) : error && error !== "locked" ? t(error) : "";
  if (error === "locked" && lockedUntil !== null) {
    const left = Math.max(0, Math.ceil((lockedUntil - now) / 1000));
    message =
      left === 0
        ? t("signin.tryNow") // the wait is over (or loketd asked for none): never "wait 0 seconds"
        : lockSeconds >= 60
          ? t("signin.locked", {
              // "15 menit", "14 menit 5 detik", "45 detik": never a part that is zero
              wait: [
                left >= 60 ? t("signin.minutes", { n: Math.floor(left / 60) }) : "",
                left % 60 ? t("signin.seconds", { n: left % 60 }) : "",
              ]
                .filter(Boolean)
                .join(" "),
            })
          : t("signin.slow", { seconds: left });
  }

  return (
    <Page title={t("signin.title")} class="signin">
      <p>{t("signin.intro")}</p>
      <form onSubmit={submit} noValidate>
        <label for="username">{t("signin.username")}</label>
        <input
          id="username"
          ref={userRef}
          type="text"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellcheck={false}
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
          aria-invalid={credentialsRefused ? "true" : undefined}
          aria-describedby="signin-status"
          required
        />
        <label for="password">{t("signin.password")}</label>
        <input
          id="password"
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          aria-invalid={credentialsRefused ? "true" : undefined}
          aria-describedby="signin-status"
          required
        />
        <div id="signin-status" role="alert" aria-live="assertive">
          {message && <p class="notice bad">{message}</p>}
        </div>
        <div class="form-actions">
          <button type="submit" disabled={busy}>
            {busy ? t("signin.busy") : t("signin.submit")}
          </button>
        </div>
      </form>
      <p>
        <a href="#/verify">{t("signin.verifyLink")}</a>
      </p>
    </Page>
  );
}
