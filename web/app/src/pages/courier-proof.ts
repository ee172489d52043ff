// The courier's proof file: loketd keeps PNG or JPEG (told apart by their bytes) of at most 5 MiB,
// whose SHA-256 must be proof_sha256. A photo that is neither (HEIC from some phones, WebP, ...) or
// is larger is redrawn here on a canvas, at most 1600 px on the long side, as JPEG quality 0.8;
// the hash is always of exactly the bytes sent. The confirmation travels over XMLHttpRequest so
// that the page can show how much of the upload has gone.
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { CourierService } from "@gen/loket/v1/courier_pb.js";

export const MAX_PROOF_BYTES = 5 * 1024 * 1024;
const LONG_SIDE = 1600;

export type ProofMedia = "image/png" | "image/jpeg";

/** The media type of a PNG or JPEG by its first bytes; undefined for anything else. */
export function sniffImage(b: Uint8Array): ProofMedia | undefined {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) {
    return "image/png";
  }
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  return undefined;
}

export type Proof = {
  bytes: Uint8Array;
  media: ProofMedia;
  /** Set when the file was redrawn: what it was (its type or name's ending) and the new size. */
  converted?: { from: string; width: number; height: number };
};

export class ProofError extends Error {
  constructor(public readonly reason: "unreadable" | "tooLarge") {
    super(reason);
  }
}

async function decode(file: Blob): Promise<{ src: CanvasImageSource; width: number; height: number; close: () => void }> {
  if (typeof createImageBitmap === "function") {
    try {
      const bm = await createImageBitmap(file, { imageOrientation: "from-image" });
      return { src: bm, width: bm.width, height: bm.height, close: () => bm.close() };
    } catch {
      // fall through to <img>, which some browsers decode more formats with (Safari: HEIC)
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.decoding = "async";
    img.src = url;
    await img.decode();
    if (!img.naturalWidth || !img.naturalHeight) throw new Error("no size");
    return { src: img, width: img.naturalWidth, height: img.naturalHeight, close: () => URL.revokeObjectURL(url) };
  } catch {
    URL.revokeObjectURL(url);
    throw new ProofError("unreadable");
  }
}

/** Redraws an image as JPEG (quality 0.8), at most 1600 px on the long side. */
export async function toJpeg(file: Blob): Promise<{ bytes: Uint8Array; width: number; height: number }> {
  const img = await decode(file);
  try {
    const scale = Math.min(1, LONG_SIDE / Math.max(img.width, img.height));
    const width = Math.max(1, Math.round(img.width * scale));
    const height = Math.max(1, Math.round(img.height * scale));
    const c = document.createElement("canvas");
    c.width = width;
    c.height = height;
    const g = c.getContext("2d");
    if (!g) throw new ProofError("unreadable");
    g.fillStyle = "#fff"; // JPEG has no transparency: a see-through PNG lands on white paper
    g.fillRect(0, 0, width, height);
    g.drawImage(img.src, 0, 0, width, height);
    const blob = await new Promise<Blob | null>((resolve) => c.toBlob(resolve, "image/jpeg", 0.8));
    if (!blob) throw new ProofError("unreadable");
    return { bytes: new Uint8Array(await blob.arrayBuffer()), width, height };
  } finally {
    img.close();
  }
}

/** The bytes to send for a chosen photo file. */
export async function photoProof(file: File): Promise<Proof> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const media = sniffImage(bytes);
  if (media && bytes.length <= MAX_PROOF_BYTES) return { bytes, media };
  const from = media ?? (file.type || (file.name.includes(".") ? file.name.split(".").pop()!.toUpperCase() : "?"));
  const j = await toJpeg(file);
  const jm = sniffImage(j.bytes);
  if (!jm) throw new ProofError("unreadable");
  if (j.bytes.length > MAX_PROOF_BYTES) throw new ProofError("tooLarge");
  return { bytes: j.bytes, media: jm, converted: { from: from.replace(/^image\//, "").toUpperCase(), width: j.width, height: j.height } };
}

/** The bytes to send for a drawn signature (the canvas as PNG). */
export async function signatureProof(png: Blob): Promise<Proof> {
  const bytes = new Uint8Array(await png.arrayBuffer());
  const media = sniffImage(bytes);
  if (media && bytes.length <= MAX_PROOF_BYTES) return { bytes, media };
  const j = await toJpeg(png);
  if (j.bytes.length > MAX_PROOF_BYTES) throw new ProofError("tooLarge");
  return { bytes: j.bytes, media: sniffImage(j.bytes) ?? "image/jpeg" };
}

export type Progress = { sent: number; total: number };
type Listener = (p: Progress) => void;

// fetch() has no upload progress; XMLHttpRequest does. Only what Connect's unary calls use.
const xhrFetch = (report: Listener): typeof fetch => (input, init) =>
  new Promise<Response>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(init?.method ?? "POST", String(input instanceof Request ? input.url : input));
    xhr.responseType = "arraybuffer";
    xhr.withCredentials = true;
    new Headers(init?.headers).forEach((v, k) => xhr.setRequestHeader(k, v));
    const signal = init?.signal;
    if (signal) {
      if (signal.aborted) return reject(signal.reason ?? new DOMException("aborted", "AbortError"));
      signal.addEventListener("abort", () => xhr.abort(), { once: true });
    }
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) report({ sent: e.loaded, total: e.total });
    };
    xhr.onload = () => {
      const headers = new Headers();
      for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
        const i = line.indexOf(":");
        if (i > 0) headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
      }
      const status = xhr.status >= 200 && xhr.status <= 599 ? xhr.status : 502;
      resolve(new Response(status === 204 || status === 304 ? null : (xhr.response as ArrayBuffer), { status, statusText: xhr.statusText, headers }));
    };
    xhr.onerror = () => reject(new TypeError("network error while sending the proof"));
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => reject(signal?.reason ?? new DOMException("aborted", "AbortError"));
    xhr.send((init?.body as XMLHttpRequestBodyInit | null | undefined) ?? null);
  });


/** ConfirmStop with the proof file, reporting upload progress to onProgress. */
export async function confirmWithProof(
  req: { requestId: string; stopId: bigint; receiverName: string; taking: boolean; proof: Proof; sha256: string },
  onProgress: Listener,
) {
  const uploader = createClient(CourierService, createConnectTransport({ baseUrl: location.origin, useBinaryFormat: true, fetch: xhrFetch(onProgress) }));
  return uploader.confirmStop({
      requestId: req.requestId,
      stopId: req.stopId,
      receiverName: req.receiverName,
      taking: req.taking,
      proofSha256: req.sha256,
    proofContent: req.proof.bytes,
  });
}
