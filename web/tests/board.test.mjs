// The waiting-room board: a counter calls the next ticket in one browser context and the board,
// open in a second context signed in as the display, shows and announces it within two seconds;
// loket-web restarted under the board: it says it is reconnecting, then recovers by itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { signIn, axeCheck, screenshot } from "./harness.mjs";
import { stackAndBrowserForFile } from "./pages-helpers.mjs";

let stack;
let browser;

// speechSynthesis recorded instead of spoken (CSP does not apply to init scripts).
function recordSpeech() {
  window.__spoken = [];
  const fake = {
    speaking: false,
    pending: false,
    paused: false,
    speak(u) {
      window.__spoken.push({ text: u.text, lang: u.lang });
    },
    cancel() {},
    pause() {},
    resume() {},
    getVoices() {
      return [];
    },
    addEventListener() {},
    removeEventListener() {},
  };
  Object.defineProperty(window, "speechSynthesis", { value: fake, configurable: true });
}

// Office time is a fixed working morning (Tuesday 17 March 2026, 09:00 WITA): tickets are numbered
// per office day, so on the wall clock a run across 00:00 WITA (16:00 UTC) lost its tickets halfway.
const OFFICE_MORNING = "--clock_start=2026-03-17T09:00:00+08:00";
stackAndBrowserForFile({ loketdArgs: [OFFICE_MORNING] }, (s, b) => ([stack, browser] = [s, b]));

async function walkIn(page, name) {
  await page.getByLabel(/Tanpa janji|No appointment/).check();
  await page.fill('input[name="name"]', name);
  await page.selectOption('select[name="service"]', "SIP_PERAWAT");
  await page.fill('input[name="temperature"]', "36.6");
  await page.check('.counter-checkin input[name="mask"][value="yes"]');
  await page.click('.counter-checkin button[type="submit"]');
  const slip = page.locator(".counter-checkin .ticket-slip");
  await slip.waitFor({ timeout: 10_000 });
  return slip.getAttribute("data-ticket");
}

test("a call at the counter is shown and announced on the board; the board survives a loket-web restart", async () => {
  const counterCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const boardCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  await boardCtx.addInitScript(recordSpeech);
  const counter = await counterCtx.newPage();
  const board = await boardCtx.newPage();
  try {
    await signIn(counter, stack.webUrl, stack.users.counter);
    await counter.waitForURL(/#\/counter/);
    await signIn(board, stack.webUrl, stack.users.display);
    await board.waitForURL(/#\/board/);
    await board.waitForSelector('#board[data-state="live"]', { timeout: 15_000 });

    // The clerk sits at counter C1 and issues two walk-in tickets.
    await counter.waitForSelector('select option[value="C1"]', { state: "attached", timeout: 15_000 });
    await counter.selectOption('select[name="counter"]', "C1");
    const first = await walkIn(counter, "Rudi Hartono");
    const second = await walkIn(counter, "Siti Aminah");
    assert.match(first, /^W-\d+/);
    assert.notEqual(first, second);
    await counter.waitForSelector(`tr[data-ticket="${second}"]`, { timeout: 10_000 });

    // B, "berikutnya" (not while typing in a field), calls the next ticket to C1.
    await counter.locator("h1").click();
    await counter.keyboard.press("b");
    const pressed = Date.now();
    // Shown on the board within two seconds of the key press, and spoken after its chime.
    await board.waitForSelector(`#board[data-last-call="${first}|C1"]`, { timeout: 2_000 });
    const shown = Date.now();
    await board.waitForFunction((label) => window.__spoken.some((s) => s.text.includes(label)), first, { timeout: 2_000 });
    process.stderr.write(`board: shown ${shown - pressed} ms and spoken ${Date.now() - pressed} ms after the key press\n`);
    await counter.waitForSelector(`[data-current-ticket="${first}"]`, { timeout: 10_000 });
    const spoken = await board.evaluate(() => window.__spoken);
    const said = spoken.find((s) => s.text.includes(first));
    assert.equal(said.text, `Nomor antrean ${first}, silakan ke Loket 1`);
    assert.equal(said.lang, "id-ID");
    assert.equal(await board.locator(".board-last__text").textContent(), said.text);
    assert.equal(await board.locator('[data-counter="C1"] .board-counter__ticket').getAttribute("data-ticket"), first);
    // Typing the shortcut letters into a field does nothing.
    await counter.focus('input[name="name"]');
    await counter.keyboard.type("bslh");
    // Then A outside the field: the page handles keys in order, and A opens the transfer panel only
    // while no call is under way, so once it is open the letters before it have done nothing.
    await counter.evaluate(() => document.activeElement.blur());
    await counter.keyboard.press("a");
    await counter.waitForSelector('[aria-keyshortcuts="A"][aria-expanded="true"]', { timeout: 5_000 });
    await counter.locator(".counter-transfer button.secondary").click();
    assert.equal(await counter.inputValue('input[name="name"]'), "bslh");
    assert.equal(await counter.locator("[data-current-ticket]").getAttribute("data-current-ticket"), first);
    assert.equal(await board.evaluate(() => window.__spoken.length), spoken.length);
    await counter.fill('input[name="name"]', "");
    assert.deepEqual(await axeCheck(counter), []);
    await screenshot(counter, "counter");

    assert.deepEqual(await axeCheck(board), []);
    await screenshot(board, "board");

    // loket-web goes away under the board: it says so and hides the numbers, then recovers.
    const restart = stack.restartWeb();
    await board.waitForSelector('#board[data-state="reconnecting"]', { timeout: 15_000 });
    assert.equal(await board.locator(".board-counter__ticket").count(), 0);
    assert.equal(await board.locator(".board-last__text").count(), 0, "no last call while the numbers are hidden");
    assert.match(await board.locator(".board-down__big").textContent(), /Menyambung ulang/);
    await screenshot(board, "board-reconnecting");
    await restart;
    await board.waitForSelector('#board[data-state="live"]', { timeout: 30_000 });
    assert.equal(await board.locator('[data-counter="C1"] .board-counter__ticket').getAttribute("data-ticket"), first);
    // The call from before the outage is not read out again as the last one.
    assert.equal(await board.locator(".board-last__text").textContent(), "");

    // And it still follows the counter: the next call is announced.
    await counter.locator("h1").click();
    await counter.keyboard.press("s"); // selesai
    await counter.waitForSelector(".counter-ticket--none", { timeout: 10_000 });
    await counter.keyboard.press("b");
    await board.waitForSelector(`#board[data-last-call="${second}|C1"]`, { timeout: 5_000 });
    await board.waitForFunction((label) => window.__spoken.some((s) => s.text.includes(label)), second, { timeout: 4_000 });
  } finally {
    await counterCtx.close();
    await boardCtx.close();
  }
});

// loketd restarted under the board (the harness has no call for it: this stack's loketd, found by
// its --listen address, is stopped and started again with the same arguments).
test("the board recovers by itself after loketd restarts", async () => {
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  await ctx.addInitScript(recordSpeech);
  const board = await ctx.newPage();
  let again;
  try {
    await signIn(board, stack.webUrl, stack.users.display);
    await board.waitForSelector('#board[data-state="live"]', { timeout: 15_000 });
    const pid = Number(execFileSync("pgrep", ["-f", `loketd --listen=${stack.grpcAddr}`], { encoding: "utf8" }).trim().split("\n")[0]);
    assert.ok(pid > 0);
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    const cwd = execFileSync("readlink", [`/proc/${pid}/cwd`], { encoding: "utf8" }).trim();
    process.kill(pid, "SIGTERM");
    await board.waitForSelector('#board[data-state="reconnecting"]', { timeout: 20_000 });
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 100));
      } catch {
        break;
      }
    }
    again = spawn(argv[0], argv.slice(1), { cwd, stdio: "ignore" });
    await board.waitForSelector('#board[data-state="live"]', { timeout: 40_000 });
    // Live again for real: a new ticket called now reaches the board.
    await stack.cli("counter", ["office", "walk-in", "--name", "Dewi Lestari", "--service", "SIP_BIDAN", "--temp", "36.5", "--mask", "yes"]);
    const called = await stack.cli("counter", ["--json", "counter", "next", "--counter", "C2"]);
    const label = JSON.parse(called).ticket?.label ?? JSON.parse(called).label;
    await board.waitForSelector(`#board[data-last-call="${label}|C2"]`, { timeout: 5_000 });
    await board.waitForFunction((l) => window.__spoken.some((s) => s.text === `Nomor antrean ${l}, silakan ke Loket 2`), label, { timeout: 4_000 });
  } finally {
    await ctx.close();
    if (again && again.exitCode === null) {
      const gone = new Promise((r) => again.once("exit", r));
      again.kill("SIGTERM");
      await gone;
    }
  }
});
