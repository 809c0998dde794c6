// Self-hosted proof-of-work CAPTCHA (ALTCHA's challenge format). Finds the number whose SHA-256 with the salt
// matches the challenge, fills the hidden field and enables the form's submit button. No third party involved.
(function () {
  "use strict";
  async function sha256Hex(text) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest)).map(b => b.toString(16).padStart(2, "0")).join("");
  }
  async function solve(widget) {
    const form = widget.closest("form");
    const field = form.querySelector("input[name='altcha']");
    const button = form.querySelector("button[type='submit']");
    const status = widget.querySelector(".captcha-status");
    button.disabled = true;
    status.textContent = widget.dataset.working;
    try {
      const response = await fetch(widget.dataset.challengeUrl, { credentials: "same-origin", cache: "no-store" });
      const c = await response.json();
      for (let n = 0; n <= c.maxnumber; n++) {
        if (await sha256Hex(c.salt + n) === c.challenge) {
          field.value = btoa(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge, number: n, salt: c.salt, signature: c.signature }));
          status.textContent = widget.dataset.done;
          button.disabled = false;
          return;
        }
      }
      status.textContent = widget.dataset.failed;
    } catch (e) {
      status.textContent = widget.dataset.failed;
      button.disabled = false;
    }
  }
  document.querySelectorAll(".pow-captcha").forEach(solve);
})();
