// Over 200 lines: the page is one self-contained document (markup, style, script) so it needs no asset and one CSP.
using System.Security.Cryptography;
using System.Text;
using ElectionFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace ElectionFunctions.Watch;

/// <summary>
/// GET /api/watch: the Election Day Watch, one self-contained page for a wall screen. No external asset; its style and
/// script are inline and allowed by their SHA-256 in a strict Content-Security-Policy (nothing else runs, nothing else
/// is fetched but /api/watch/data). The page holds no data: it reads /api/watch/data every 5 s with the operator's bearer
/// token, taken once from the URL's fragment (<c>#token=…</c>, never sent to a server) or, behind App Service
/// Authentication, from <c>/.auth/me</c>, and keeps it for the tab only. Data is written with textContent, never as HTML.
/// </summary>
public static class WatchPage
{
    private const string Style = """
        :root { color-scheme: dark; --bg: #0b1320; --panel: #14213a; --text: #e8eef8; --muted: #9fb0cc; --critical: #ff4d4f; --high: #ff9f1a; --moderate: #ffd43b; --low: #5fb3ff; --ok: #37d67a; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--text); font: 18px/1.35 system-ui, "Segoe UI", Roboto, sans-serif; }
        header { display: flex; align-items: baseline; gap: 24px; padding: 14px 24px; background: #0f1a2e; border-bottom: 2px solid #263a5e; }
        header h1 { margin: 0; font-size: 30px; letter-spacing: .5px; }
        #status { color: var(--muted); font-size: 18px; }
        #status.bad { color: var(--critical); font-weight: 700; }
        main { display: grid; grid-template-columns: 1.05fr 1fr; gap: 16px; padding: 16px 24px; }
        section { background: var(--panel); border-radius: 10px; padding: 14px 18px; }
        h2 { margin: 0 0 10px; font-size: 20px; color: var(--muted); text-transform: uppercase; letter-spacing: 1px; }
        .counts { display: flex; gap: 28px; }
        .big { font-size: 56px; font-weight: 800; line-height: 1; }
        .label { color: var(--muted); font-size: 16px; }
        #map { display: grid; grid-template-columns: repeat(12, 1fr); grid-auto-rows: 46px; gap: 4px; margin-top: 10px; }
        .tile { border-radius: 6px; background: #1f2f4d; display: flex; flex-direction: column; align-items: center; justify-content: center; font-weight: 700; font-size: 15px; }
        .tile .n { font-size: 14px; font-weight: 600; color: var(--muted); }
        .tile.h1 { background: #27507f; } .tile.h2 { background: #2f6fb1; } .tile.h3 { background: #f08c00; color: #111; } .tile.h4 { background: #e03131; }
        .tile.h3 .n, .tile.h4 .n { color: #111; }
        .bars div { display: grid; grid-template-columns: 230px 1fr 60px; align-items: center; gap: 10px; margin: 4px 0; }
        .bar { height: 16px; border-radius: 4px; background: #3d6bb3; }
        .bar.critical { background: var(--critical); } .bar.high { background: var(--high); } .bar.moderate { background: var(--moderate); } .bar.low { background: var(--low); }
        .bars + h2, .health { margin-top: 18px; }
        table { width: 100%; border-collapse: collapse; font-size: 17px; }
        th { text-align: left; color: var(--muted); font-weight: 600; padding: 4px 6px; border-bottom: 1px solid #2a3d61; }
        td { padding: 6px; border-bottom: 1px solid #1f2f4d; vertical-align: top; }
        .sev { display: inline-block; min-width: 92px; text-align: center; border-radius: 5px; padding: 1px 8px; font-weight: 800; color: #111; }
        .sev.critical { background: var(--critical); } .sev.high { background: var(--high); } .sev.moderate { background: var(--moderate); } .sev.low { background: var(--low); }
        .ack { display: inline-block; margin: 0 6px 2px 0; padding: 0 6px; border-radius: 4px; background: #22395e; font-size: 15px; }
        .ack.done { background: #1e5b3a; } .ack.overdue { background: var(--critical); color: #111; font-weight: 800; }
        .wide { grid-column: 1 / -1; }
        .health div { display: flex; justify-content: space-between; padding: 3px 0; border-bottom: 1px solid #1f2f4d; }
        .warn { color: var(--critical); font-weight: 800; }
        """;

    private const string Script = """
        (() => {
          const tiles = { AK:[0,0],ME:[0,11],VT:[1,10],NH:[1,11],WA:[2,1],ID:[2,2],MT:[2,3],ND:[2,4],MN:[2,5],IL:[2,6],WI:[2,7],MI:[2,8],NY:[2,9],RI:[2,10],MA:[2,11],
            OR:[3,1],NV:[3,2],WY:[3,3],SD:[3,4],IA:[3,5],IN:[3,6],OH:[3,7],PA:[3,8],NJ:[3,9],CT:[3,10],CA:[4,1],UT:[4,2],CO:[4,3],NE:[4,4],MO:[4,5],KY:[4,6],
            WV:[4,7],VA:[4,8],MD:[4,9],DE:[4,10],AZ:[5,2],NM:[5,3],KS:[5,4],AR:[5,5],TN:[5,6],NC:[5,7],SC:[5,8],DC:[5,9],OK:[6,4],LA:[6,5],MS:[6,6],AL:[6,7],
            GA:[6,8],HI:[7,0],TX:[7,4],FL:[7,9] };
          const $ = id => document.getElementById(id);
          const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
          const fragment = new URLSearchParams(location.hash.slice(1));
          if (fragment.get('token')) { sessionStorage.setItem('watch-token', fragment.get('token')); history.replaceState(null, '', location.pathname); }
          let refreshes = 0;
          const status = (text, bad) => { $('status').textContent = text; $('status').className = bad ? 'bad' : ''; };
          async function token() {
            const kept = sessionStorage.getItem('watch-token');
            if (kept) return kept;
            try {
              const me = await fetch('/.auth/me', { cache: 'no-store' });
              if (me.ok) { const who = await me.json(); if (who[0] && who[0].access_token) return who[0].access_token; }
            } catch { }
            return null;
          }
          const time = iso => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
          function render(d) {
            $('lastHour').textContent = d.lastHour; $('sinceOpen').textContent = d.sincePollsOpened;
            $('since').textContent = 'since polls opened ' + new Date(d.since).toLocaleString() + (d.electionId ? ' (' + d.electionId + ')' : '') +
              (d.redReports ? ', ' + d.redReports + ' TLP:RED not shown' : '') + (d.truncated ? ', newest only' : '');
            const map = $('map'); map.replaceChildren();
            const max = Math.max(1, ...Object.values(d.byState));
            for (const [state, [row, col]] of Object.entries(tiles)) {
              const n = d.byState[state] || 0;
              const tile = el('div', 'tile' + (n ? ' h' + Math.min(4, 1 + Math.floor(3 * n / max)) : ''));
              tile.style.gridRow = row + 1; tile.style.gridColumn = col + 1;
              tile.append(el('span', '', state), el('span', 'n', n ? String(n) : ''));
              map.append(tile);
            }
            for (const [id, counts] of [['categories', d.byCategory], ['severities', d.bySeverity]]) {
              const list = $(id); list.replaceChildren();
              const top = Math.max(1, ...Object.values(counts));
              for (const [name, n] of Object.entries(counts).sort((a, b) => b[1] - a[1])) {
                const bar = el('div', 'bar ' + (id === 'severities' ? name : '')); bar.style.width = Math.max(2, 100 * n / top) + '%';
                const cell = el('span'); cell.append(bar);
                const row = el('div'); row.append(el('span', '', name), cell, el('span', '', String(n))); list.append(row);
              }
            }
            const body = $('reports'); body.replaceChildren();
            for (const r of d.reports) {
              const tr = el('tr');
              const sev = el('td'); sev.append(el('span', 'sev ' + (r.severity || ''), r.severity || '…'));
              const title = el('td', '', r.title || '(untitled)');
              if (r.amendmentOf) title.prepend(el('span', 'ack', 'follow-up'));
              const agencies = el('td');
              for (const a of r.agencies) agencies.append(el('span', 'ack' + (a.disposition ? ' done' : a.overdue ? ' overdue' : ''),
                a.agency.toUpperCase() + ' ' + (a.disposition || (a.overdue ? 'OVERDUE' : 'waiting'))));
              tr.append(sev, el('td', '', time(r.receivedAt)), el('td', '', r.state || '—'), title, el('td', '', r.status), agencies);
              body.append(tr);
            }
            const h = d.health, health = $('health'); health.replaceChildren();
            const line = (name, value, bad) => { const row = el('div'); row.append(el('span', '', name), el('span', bad ? 'warn' : '', String(value))); health.append(row); };
            for (const [q, n] of Object.entries(h.queueDepths)) line('queue ' + q, n, q.endsWith('poison') && n > 0);
            line('reports stuck', h.stuck, h.stuck > 0); line('reports failed', h.failed, h.failed > 0); line('acknowledgements overdue', h.overdueAcknowledgements, h.overdueAcknowledgements > 0);
            for (const o of h.oldestUnacknowledged) line('oldest unacknowledged, ' + o.agency.toUpperCase(), o.minutes + ' min (' + (o.severity || '?') + ')', o.overdue);
            refreshes++; document.body.dataset.refreshes = String(refreshes);
            status('updated ' + new Date(d.now).toLocaleTimeString() + ' · refreshes every 5 s', false);
          }
          async function refresh() {
            const bearer = await token();
            if (!bearer) { status('Sign in: open this page with #token=<bearer token> (make token ROLES=Watch.Read), or through App Service Authentication.', true); return; }
            try {
              const answer = await fetch('/api/watch/data', { headers: { Authorization: 'Bearer ' + bearer }, cache: 'no-store' });
              if (answer.status === 401) {
                // Expired: forget it; behind App Service Authentication, renew the session's token and read it again next time.
                sessionStorage.removeItem('watch-token');
                try { await fetch('/.auth/refresh', { cache: 'no-store' }); } catch { }
              }
              if (!answer.ok) { status('The data endpoint answered ' + answer.status + (answer.status === 401 || answer.status === 403 ? ': sign in again with a Watch.Read token.' : '; retrying.'), true); return; }
              render(await answer.json());
            } catch (e) { status('Connection lost; retrying every 5 s.', true); }
          }
          refresh(); setInterval(refresh, 5000);
        })();
        """;

    private const string Body = """
        <header><h1>Election Day Watch</h1><span id="status">loading…</span></header>
        <main>
          <section><h2>Reports</h2>
            <div class="counts"><div><div class="big" id="lastHour">–</div><div class="label">last hour</div></div>
            <div><div class="big" id="sinceOpen">–</div><div class="label" id="since">since polls opened</div></div></div>
            <div id="map" aria-label="reports by state"></div></section>
          <section><h2>By category</h2><div class="bars" id="categories"></div><h2>By severity</h2><div class="bars" id="severities"></div>
            <h2>Pipeline</h2><div class="health" id="health"></div></section>
          <section class="wide"><h2>Critical first</h2>
            <table><thead><tr><th>severity</th><th>received</th><th>state</th><th>report</th><th>status</th><th>agencies</th></tr></thead><tbody id="reports"></tbody></table></section>
        </main>
        """;

    private static readonly byte[] Document = Encoding.UTF8.GetBytes(
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>Election Day Watch</title><link rel=\"icon\" href=\"data:,\">" +
        $"<style>{Style}</style></head><body>{Body}<script>{Script}</script></body></html>");

    private static string Hash(string inline) => "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(inline))) + "'";

    /// <summary>Only the page's own style and script, only requests to this origin, no framing, no forms, no base; the empty icon inline (no /favicon.ico request).</summary>
    public static readonly string ContentSecurityPolicy =
        $"default-src 'none'; script-src {Hash(Script)}; style-src {Hash(Style)}; connect-src 'self'; img-src data:; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static WithHeader<FileContentHttpResult> Serve() =>
        new(TypedResults.File(Document, "text/html; charset=utf-8"), "Content-Security-Policy", ContentSecurityPolicy)
        {
            Extra = [(HeaderNames.CacheControl, "no-store"), ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer")],
        };
}
