// A signature drawn on a canvas with pointer events (finger, pen or mouse). The PNG it makes is
// hashed like a photo. Not keyboard-operable by nature: the page offers the photo proof instead.
import { useEffect, useRef } from "preact/hooks";

export type SignatureHandle = { empty: () => boolean; png: () => Promise<Blob | null>; clear: () => void };

type T = (key: string, vars?: Record<string, string | number>) => string;

export function SignaturePad({ t, handle, onChange }: { t: T; handle: { current: SignatureHandle | null }; onChange?: () => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawn = useRef(false);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const ratio = window.devicePixelRatio || 1;
    const rect = c.getBoundingClientRect();
    c.width = Math.max(1, Math.round(rect.width * ratio));
    c.height = Math.max(1, Math.round(rect.height * ratio));
    const g = c.getContext("2d");
    if (!g) return;
    const paper = () => {
      g.fillStyle = "#fff";
      g.fillRect(0, 0, c.width, c.height);
      g.lineWidth = 2.5 * ratio;
      g.lineCap = "round";
      g.lineJoin = "round";
      g.strokeStyle = "#000";
    };
    paper();
    let down = false;
    let lx = 0;
    let ly = 0;
    const pos = (e: PointerEvent) => {
      const r = c.getBoundingClientRect();
      return [(e.clientX - r.left) * ratio, (e.clientY - r.top) * ratio];
    };
    const start = (e: PointerEvent) => {
      down = true;
      c.setPointerCapture(e.pointerId);
      [lx, ly] = pos(e);
      g.beginPath();
      g.arc(lx, ly, g.lineWidth / 2, 0, Math.PI * 2);
      g.fillStyle = "#000";
      g.fill();
      e.preventDefault();
    };
    const move = (e: PointerEvent) => {
      if (!down) return;
      const [x, y] = pos(e);
      g.beginPath();
      g.moveTo(lx, ly);
      g.lineTo(x, y);
      g.stroke();
      lx = x;
      ly = y;
      if (!drawn.current) {
        drawn.current = true;
        onChange?.();
      }
      e.preventDefault();
    };
    const end = () => {
      down = false;
    };
    c.addEventListener("pointerdown", start);
    c.addEventListener("pointermove", move);
    c.addEventListener("pointerup", end);
    c.addEventListener("pointercancel", end);
    handle.current = {
      empty: () => !drawn.current,
      png: () => new Promise((resolve) => c.toBlob((b) => resolve(b), "image/png")),
      clear: () => {
        paper();
        drawn.current = false;
        onChange?.();
      },
    };
    return () => {
      c.removeEventListener("pointerdown", start);
      c.removeEventListener("pointermove", move);
      c.removeEventListener("pointerup", end);
      c.removeEventListener("pointercancel", end);
      handle.current = null;
    };
  }, []);

  return (
    <div class="courier-sign">
      <canvas ref={canvas} class="courier-sign__pad" role="img" aria-label={t("courier.sign")} />
      <button type="button" class="secondary small" onClick={() => handle.current?.clear()}>
        {t("courier.signClear")}
      </button>
    </div>
  );
}
