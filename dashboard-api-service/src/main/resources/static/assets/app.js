// The usage page: reads the signed-in user's status and sessions from this service and keeps them
// fresh by polling with ETags (a 304 costs the server almost nothing).
//
// Sign-in: the application that links here passes the user's JWT in the URL fragment
// (/#token=<jwt>), which never reaches a server log; the page keeps it in localStorage and removes
// it from the address bar. Every API call sends it as "Authorization: Bearer <jwt>". A link carrying
// another user's token never silently replaces a stored session (a link planted by someone else
// would show their account, and send a checkout to it): the page asks first.
//
// Bar colour, from the API's usage_percent (already rounded to 2 decimals):
//   below 70 → purple; 70 up to and including 90 → yellow; above 90 → red, with the warning.
(function () {
  "use strict";

  const TOKEN_KEY = "tokenmeter.token";
  const POLL_MS = 2000;
  const WARN_FROM = 70;
  const CRITICAL_ABOVE = 90;
  const TIER_ORDER = ["FREE", "ESSENTIEL", "PRO", "MAX"];
  const TIER_NAMES = { FREE: "Gratuit", ESSENTIEL: "Essentiel", PRO: "Pro", MAX: "Max" };

  const numbers = new Intl.NumberFormat("fr-FR");
  const dates = new Intl.DateTimeFormat("fr-FR", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  const times = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "medium" });

  const $ = (id) => document.getElementById(id);
  let statusEtag = null;
  let sessionsEtag = null;
  let config = { subscription_service_url: "" };
  let timer = null;

  function token() {
    return localStorage.getItem(TOKEN_KEY);
  }

  function takeTokenFromFragment() {
    const params = new URLSearchParams(location.hash.replace(/^#/, ""));
    const fromFragment = params.get("token");
    if (!fromFragment) return;
    history.replaceState(null, "", location.pathname + location.search);
    const stored = token();
    if (!stored || stored === fromFragment || sameUser(stored, fromFragment)
        || window.confirm("Ce lien ouvre la page avec un autre compte que celui connecté. "
            + "Remplacer la session en cours ?")) {
      localStorage.setItem(TOKEN_KEY, fromFragment);
    }
  }

  // Whether two JWTs name the same user (their "sub"). Unverified: the server checks signatures;
  // this only decides whether a renewed token of the same user may replace the stored one quietly.
  function sameUser(a, b) {
    const subject = (jwt) => {
      try {
        const payload = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
        return JSON.parse(atob(payload)).sub;
      } catch (e) {
        return undefined;
      }
    };
    const sa = subject(a);
    return sa !== undefined && sa === subject(b);
  }

  function signOut(message) {
    localStorage.removeItem(TOKEN_KEY);
    statusEtag = sessionsEtag = null;
    clearTimeout(timer);
    $("dashboard").hidden = true;
    $("account").hidden = true;
    $("signed-out").hidden = false;
    if (message) toast(message);
  }

  async function api(path, etag) {
    const headers = { Authorization: "Bearer " + token(), Accept: "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    const response = await fetch(path, { headers, cache: "no-store" });
    if (response.status === 401) {
      signOut("Votre session a expiré : reconnectez-vous depuis l'application.");
      throw new Error("unauthorized");
    }
    if (response.status === 304) return { notModified: true, etag };
    if (!response.ok) throw new Error("HTTP " + response.status);
    return { body: await response.json(), etag: response.headers.get("ETag") };
  }

  function level(percent) {
    if (percent > CRITICAL_ABOVE) return "critical";
    if (percent >= WARN_FROM) return "warn";
    return "ok";
  }

  function renderStatus(s) {
    const paid = s.tier !== "FREE";
    $("user-id").textContent = s.user_id;
    $("tier-name").textContent = TIER_NAMES[s.tier] || s.tier;
    $("tier-label").textContent = paid
      ? "Période du " + dates.format(new Date(s.subscription_start)) + " au " + dates.format(new Date(s.subscription_end))
      : "One-shot (Demo)";
    $("subscription-status").textContent = s.status.replace("_", " ");
    $("tokens-used").textContent = numbers.format(s.tokens_used);
    $("tokens-limit").textContent = numbers.format(s.monthly_limit);
    $("usage-percent").textContent = numbers.format(s.usage_percent) + " %";
    $("remaining").textContent = numbers.format(s.remaining_tokens) + " tokens";
    // Null before the user's first session: nothing to estimate from.
    const left = s.estimated_sessions_remaining;
    $("sessions-left-fact").hidden = left === null || left === undefined;
    if (left !== null && left !== undefined) {
      $("sessions-left").textContent =
        "≈ " + numbers.format(left) + (left > 1 ? " corrections restantes" : " correction restante");
    }
    $("period-end-label").textContent = paid ? "Renouvellement" : "Allocation";
    $("period-end").textContent = paid ? dates.format(new Date(s.subscription_end)) : "Unique, sans renouvellement";
    $("as-of").textContent = times.format(new Date(s.as_of));

    const fill = $("usage-bar-fill");
    const lvl = level(s.usage_percent);
    fill.className = "bar-fill level-" + lvl;
    fill.dataset.level = lvl;
    fill.style.width = Math.min(100, s.usage_percent) + "%";
    $("usage-bar").setAttribute("aria-valuenow", String(s.usage_percent));
    $("usage-warning").hidden = lvl !== "critical";
    $("payment-failed").hidden = !s.payment_failed;

    const rank = TIER_ORDER.indexOf(s.tier);
    let offered = 0;
    document.querySelectorAll(".plan").forEach((plan) => {
      const above = TIER_ORDER.indexOf(plan.dataset.tier) > rank;
      plan.hidden = !above;
      if (above) offered++;
    });
    $("top-tier").hidden = offered > 0;
  }

  function renderSessions(list) {
    const body = $("sessions");
    body.replaceChildren();
    $("no-sessions").hidden = list.length > 0;
    document.querySelector("table.sessions").hidden = list.length === 0;
    for (const s of list) {
      const row = document.createElement("tr");
      row.dataset.sessionId = s.session_id;
      const models = [...new Set(s.phases.map((p) => p.model))];
      row.append(
        cell(times.format(new Date(s.completed_at))),
        cell(null, (td) => { const code = document.createElement("code"); code.textContent = s.session_id; td.append(code); }),
        cell(null, (td) => models.forEach((m) => { const chip = document.createElement("span"); chip.className = "chip"; chip.textContent = m; td.append(chip); })),
        cell(numbers.format(s.total_tokens), null, "num"),
        cell("$" + s.cost_breakdown.total_cost_usd, (td) => {
          if (Number(s.cost_breakdown.cached_savings_usd) > 0) {
            const saving = document.createElement("span");
            saving.className = "saving";
            saving.textContent = "cache : −$" + s.cost_breakdown.cached_savings_usd;
            td.append(saving);
          }
        }, "num")
      );
      body.append(row);
    }
  }

  function cell(text, fill, className) {
    const td = document.createElement("td");
    if (text !== null) td.textContent = text;
    if (fill) fill(td);
    if (className) td.className = className;
    return td;
  }

  async function refresh() {
    try {
      const status = await api("/api/subscription/status", statusEtag);
      if (!status.notModified) {
        statusEtag = status.etag;
        renderStatus(status.body);
        $("dashboard").hidden = false;
        $("account").hidden = false;
        $("signed-out").hidden = true;
      }
      const sessions = await api("/api/sessions", sessionsEtag);
      if (!sessions.notModified) {
        sessionsEtag = sessions.etag;
        renderSessions(sessions.body);
      }
    } catch (e) {
      if (e.message === "unauthorized") return;
    }
    schedule();
  }

  function schedule() {
    clearTimeout(timer);
    if (token() && document.visibilityState === "visible") timer = setTimeout(refresh, POLL_MS);
  }

  async function checkout(tier, button) {
    button.disabled = true;
    try {
      const base = (config.subscription_service_url || "").replace(/\/$/, "");
      const response = await fetch(base + "/api/subscription/checkout/" + tier, {
        headers: { Authorization: "Bearer " + token(), Accept: "application/json" },
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const body = await response.json();
      window.location.assign(body.checkout_url);
    } catch (e) {
      toast("Le paiement n'a pas pu démarrer. Réessayez dans un instant.");
      button.disabled = false;
    }
  }

  function toast(message) {
    const el = $("toast");
    el.textContent = message;
    el.hidden = false;
    setTimeout(() => { el.hidden = true; }, 5000);
  }

  async function start() {
    takeTokenFromFragment();
    $("sign-out").addEventListener("click", () => signOut());
    $("token-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const value = $("token-input").value.trim();
      if (value) {
        localStorage.setItem(TOKEN_KEY, value);
        refresh();
      }
    });
    document.querySelectorAll("[data-checkout]").forEach((button) =>
      button.addEventListener("click", () => checkout(button.dataset.checkout, button)));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && token()) refresh();
    });
    try {
      config = await (await fetch("/api/ui/config")).json();
    } catch (e) {
      // Checkout stays possible against this origin.
    }
    if (token()) {
      refresh();
    } else {
      signOut();
    }
  }

  start();
})();
