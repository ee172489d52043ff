// The board's voice: a short two-note chime made with WebAudio (no audio file) and the call
// spoken in Indonesian with speechSynthesis (lang id-ID). Browsers keep audio locked until a
// person touches the page once (or the TV's browser runs with an autoplay policy that allows
// it); unlock() is that touch.
let ctx: AudioContext | undefined;

function audio(): AudioContext | undefined {
  if (ctx) return ctx;
  const C = (window as unknown as { AudioContext?: typeof AudioContext; webkitAudioContext?: typeof AudioContext }).AudioContext ??
    (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!C) return undefined;
  try {
    ctx = new C();
  } catch {
    return undefined;
  }
  return ctx;
}

/** True when sound may play without a further touch. */
export function soundReady(): boolean {
  const a = audio();
  return !a || a.state === "running";
}

export async function unlock(): Promise<void> {
  const a = audio();
  try {
    await a?.resume();
  } catch {
    /* ignore */
  }
  if ("speechSynthesis" in window) {
    // An empty utterance inside the gesture unlocks speech in Chromium.
    const u = new SpeechSynthesisUtterance(" ");
    u.volume = 0;
    u.lang = "id-ID";
    window.speechSynthesis.speak(u);
  }
}

export function chime(): number {
  const a = audio();
  if (!a || a.state !== "running") return 0;
  const t0 = a.currentTime + 0.02;
  const notes: [number, number][] = [
    [659.25, 0], // E5
    [523.25, 0.32], // C5
  ];
  for (const [f, at] of notes) {
    const o = a.createOscillator();
    const g = a.createGain();
    o.type = "sine";
    o.frequency.value = f;
    g.gain.setValueAtTime(0.0001, t0 + at);
    g.gain.exponentialRampToValueAtTime(0.35, t0 + at + 0.02);
    g.gain.exponentialRampToValueAtTime(0.0001, t0 + at + 0.45);
    o.connect(g).connect(a.destination);
    o.start(t0 + at);
    o.stop(t0 + at + 0.5);
  }
  return 800;
}

export function speak(text: string): void {
  if (!("speechSynthesis" in window)) return;
  const s = window.speechSynthesis;
  const u = new SpeechSynthesisUtterance(text);
  u.lang = "id-ID";
  u.rate = 0.9;
  const voice = s.getVoices().find((v) => v.lang.toLowerCase().replace("_", "-").startsWith("id"));
  if (voice) u.voice = voice;
  s.speak(u);
}

/** "Loket 4" -> "Loket 4"; "C2" -> "Loket C2": a counter's name, written as the tiles write it. */
export function spokenCounter(short: string): string {
  return /^loket\b/i.test(short) ? short.replace(/^loket/i, "Loket") : `Loket ${short}`;
}
