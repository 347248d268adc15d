using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ElectionFunctions.Acknowledgements;
using ElectionFunctions.Security;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.IntegrationTests;

/// <summary>
/// Issue 20's loop on the emulators: a critical report is on the watch, DHS asks a question, the partner sees it and
/// follows up, the follow-up goes to the same agencies, and the next package draft has the time to acknowledge and what is
/// still open; the overdue check alerts once; and every way of acknowledging what one may not is refused.
/// </summary>
[Collection(PackageCompiles.Name)]
public sealed class ElectionNightTests(LocalStack stack)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string Agency(string role) => stack.Token("agency-" + role.ToLowerInvariant(), [role]);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return await stack.Http.SendAsync(request, Cancel);
    }

    private async Task<string> CriticalAsync(string tag)
    {
        // Altered results with a suspected government: critical, to DHS, DOJ and ODNI.
        using var response = await stack.SubmitAsync($$"""
            {
              "schemaVersion": "1.0", "electionId": "2026-11-03-general", "title": "Unofficial results altered ({{tag}})",
              "narrative": "Unofficial results on the county site were altered after an intrusion attributed to a foreign service ({{tag}}).",
              "observedAt": "{{DateTimeOffset.UtcNow.AddMinutes(-5):yyyy-MM-ddTHH:mm:ssZ}}", "jurisdiction": { "state": "PA" }, "tlp": "AMBER",
              "targetedSystems": ["results-reporting-website"], "effects": ["data-altered"], "suspectedForeignGovernments": ["RU"]
            }
            """);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("reportId").GetString()!;
    }

    private static string Ack(string reportId, string disposition, string? extra = null) =>
        $$"""{"reportId":"{{reportId}}","disposition":"{{disposition}}"{{(extra is null ? "" : "," + extra)}}}""";

    [Fact]
    public async Task A_critical_report_is_watched_acknowledged_with_a_question_answered_and_timed_in_the_next_draft()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var reportId = await CriticalAsync(tag);
        var routed = await stack.WaitForRoutedAsync(reportId);
        Assert.Equal("critical", routed.GetProperty("severity").GetString());
        var agencies = routed.GetProperty("routing").EnumerateArray().Select(r => r.GetProperty("agency").GetString()!).Order().ToList();
        Assert.Contains("dhs", agencies);

        // On the watch: critical, waiting on every agency.
        var (data, mine) = await WatchedAsync(reportId);
        Assert.Equal("critical", mine.GetProperty("severity").GetString());
        Assert.All(mine.GetProperty("agencies").EnumerateArray(), a => Assert.False(a.TryGetProperty("disposition", out _)));
        Assert.True(data.GetProperty("byState").GetProperty("PA").GetInt32() >= 1);

        // DHS asks; asking again changes nothing.
        const string question = "Which precincts' unofficial results were altered, and at what time were they restored?";
        using (var asked = await SendAsync(HttpMethod.Post, "/api/agencies/dhs/acknowledgements", Agency(AppRoles.AgencyDhs),
            Ack(reportId, "needs-more-information", $"\"question\":\"{question}\"")))
            Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        using (var again = await SendAsync(HttpMethod.Post, "/api/agencies/dhs/acknowledgements", Agency(AppRoles.AgencyDhs),
            Ack(reportId, "needs-more-information", $"\"question\":\"{question}\"")))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(question, (await again.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("question").GetString());
        }

        // The partner sees the question on its report.
        var seen = await stack.GetReportAsync(reportId);
        var dhs = seen.GetProperty("routing").EnumerateArray().Single(r => r.GetProperty("agency").GetString() == "dhs");
        Assert.Equal("needs-more-information", dhs.GetProperty("disposition").GetString());
        Assert.Equal(question, dhs.GetProperty("question").GetString());
        Assert.True(dhs.TryGetProperty("acknowledgedAt", out _));

        // It answers: a follow-up, routed to the same agencies, linked both ways.
        using var followUp = await SendAsync(HttpMethod.Post, $"/api/reports/{reportId}/follow-ups", stack.Token(),
            """{"answer":"Precincts 12 and 14; restored from the canvass at 22:10 ET."}""");
        Assert.Equal(HttpStatusCode.Accepted, followUp.StatusCode);
        var followUpId = (await followUp.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("reportId").GetString()!;
        var answered = await stack.WaitForRoutedAsync(followUpId);
        Assert.Equal(reportId, answered.GetProperty("amendmentOf").GetString());
        Assert.Equal(agencies, answered.GetProperty("routing").EnumerateArray().Select(r => r.GetProperty("agency").GetString()!).Order());
        Assert.Contains(answered.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("rule").GetString() == "routing.follow-up");
        Assert.Equal([followUpId], (await stack.GetReportAsync(reportId)).GetProperty("amendments").EnumerateArray().Select(a => a.GetString()));

        // ODNI asks after the follow-up: that question is still open.
        using (var odni = await SendAsync(HttpMethod.Post, "/api/agencies/odni/acknowledgements", Agency(AppRoles.AgencyOdni),
            Ack(reportId, "needs-more-information", "\"question\":\"Which service?\"")))
            Assert.Equal(HttpStatusCode.Created, odni.StatusCode);

        // The next draft: time to acknowledge per agency and severity, and the open question (DHS's was answered).
        using var compiled = await SendAsync(HttpMethod.Post, "/api/elections/2026-11-03-general/package", stack.Token("operator", [AppRoles.CompilePackages]));
        Assert.Equal(HttpStatusCode.Created, compiled.StatusCode);
        var path = (await compiled.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("path").GetString()!;
        var blob = stack.Service<Azure.Storage.Blobs.BlobServiceClient>().GetBlobContainerClient("packages").GetBlobClient(path["packages/".Length..] + "package.json");
        using var package = JsonDocument.Parse((await blob.DownloadContentAsync(Cancel)).Value.Content.ToArray());
        var sectionD = package.RootElement.GetProperty("sectionD");
        var timed = sectionD.GetProperty("timeToAcknowledge").GetProperty("dhs").GetProperty("critical");
        Assert.True(timed.GetProperty("count").GetInt32() >= 1);
        // Asked within seconds of the sending: timed from the sending, not from the epoch or the receipt a day before.
        Assert.InRange(timed.GetProperty("p50").GetDouble(), 0.001, 600);
        var open = sectionD.GetProperty("openQuestions").EnumerateArray().Where(q => q.GetProperty("reportId").GetString() == reportId).ToList();
        Assert.Equal(["odni"], open.Select(q => q.GetProperty("agency").GetString()));
    }

    /// <summary>The watch's data once it holds the report (a reading is cached a few seconds): waits while the readings change.</summary>
    private async Task<(JsonElement Data, JsonElement Report)> WatchedAsync(string reportId)
    {
        var (last, since) = ("", DateTime.UtcNow);
        while (true)
        {
            using var watch = await SendAsync(HttpMethod.Get, "/api/watch/data", stack.Token("watch-screen", [AppRoles.WatchRead]));
            Assert.Equal(HttpStatusCode.OK, watch.StatusCode);
            var data = await watch.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            var mine = data.GetProperty("reports").EnumerateArray().Where(r => r.GetProperty("id").GetString() == reportId).ToList();
            if (mine.Count == 1) return (data, mine[0]);
            var now = data.GetProperty("now").GetString()!;
            if (now != last) (last, since) = (now, DateTime.UtcNow);
            Assert.True(DateTime.UtcNow - since < TimeSpan.FromSeconds(60), "the watch's readings stopped changing");
            await Task.Delay(500, Cancel);
        }
    }

    [Fact]
    public async Task A_TLP_RED_report_is_counted_on_the_watch_and_shown_nowhere_on_it()
    {
        using var response = await stack.SubmitAsync($$"""
            {
              "schemaVersion": "1.0", "electionId": "2026-11-03-general", "title": "RED: source-sensitive intrusion ({{Guid.NewGuid():N}})",
              "narrative": "An intrusion attributed to a foreign service, from a sensitive source.", "observedAt": "2026-11-03T20:00:00Z",
              "jurisdiction": { "state": "WY" }, "tlp": "RED", "recipients": ["dhs"],
              "targetedSystems": ["results-reporting-website"], "effects": ["data-altered"], "suspectedForeignGovernments": ["RU"]
            }
            """);
        var red = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("reportId").GetString()!;
        await stack.WaitForRoutedAsync(red);
        // A report after it, so a reading that holds this one holds the RED one too.
        var after = await CriticalAsync(Guid.NewGuid().ToString("N")[..8]);
        await stack.WaitForRoutedAsync(after);
        var (data, _) = await WatchedAsync(after);
        Assert.DoesNotContain(red, data.GetRawText());
        Assert.DoesNotContain("source-sensitive", data.GetRawText());
        Assert.True(data.GetProperty("redReports").GetInt32() >= 1);
    }

    [Fact]
    public async Task An_unacknowledged_critical_report_alerts_once_past_fifteen_minutes_and_is_never_resent()
    {
        var reportId = await CriticalAsync(Guid.NewGuid().ToString("N")[..8]);
        await stack.WaitForRoutedAsync(reportId);
        using (var ack = await SendAsync(HttpMethod.Post, "/api/agencies/doj/acknowledgements", Agency(AppRoles.AgencyDoj), Ack(reportId, "accepted")))
            Assert.Equal(HttpStatusCode.Created, ack.StatusCode);

        // Sixteen minutes later for the check: the agencies that have not acknowledged are overdue, DOJ is not.
        var later = new Later(TimeSpan.FromMinutes(16));
        var check = new OverdueAcknowledgements(stack.Service<ReportStore>(), stack.Service<IOptions<AcknowledgementOptions>>(), later,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<OverdueAcknowledgements>.Instance);
        var before = (await stack.Service<ReportStore>().ReadAsync(reportId, Cancel))!.Value;
        Assert.True(await check.CheckAsync(Cancel) >= 2);
        var alerted = (await stack.Service<ReportStore>().ReadAsync(reportId, Cancel))!.Value;
        Assert.Equal(alerted.Routing.Select(r => r.Agency).Where(a => a != "doj").Order(), alerted.OverdueAlerts.Order());
        // Nothing was sent again: each agency's sending is as it was.
        Assert.Equal(before.Routing, alerted.Routing);
        // Once: the next check alerts nothing more for it.
        await check.CheckAsync(Cancel);
        Assert.Equal(alerted.OverdueAlerts, (await stack.Service<ReportStore>().ReadAsync(reportId, Cancel))!.Value.OverdueAlerts);
    }

    private sealed class Later(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + by;
    }

    [Fact]
    public async Task What_one_may_not_acknowledge_is_refused_and_writes_nothing()
    {
        var reportId = await CriticalAsync(Guid.NewGuid().ToString("N")[..8]);
        var routed = await stack.WaitForRoutedAsync(reportId);
        Assert.DoesNotContain("treasury", routed.GetProperty("routing").EnumerateArray().Select(r => r.GetProperty("agency").GetString()));

        async Task RefusedAsync(string agency, string token, string body, HttpStatusCode status, string type)
        {
            using var response = await SendAsync(HttpMethod.Post, $"/api/agencies/{agency}/acknowledgements", token, body);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("urn:electionfunctions:problem:" + type, (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("type").GetString());
        }
        // Another agency's acknowledgement, by path or by role.
        await RefusedAsync("dhs", Agency(AppRoles.AgencyOdni), Ack(reportId, "accepted"), HttpStatusCode.Forbidden, "forbidden");
        await RefusedAsync("dhs", stack.Token(), Ack(reportId, "accepted"), HttpStatusCode.Forbidden, "forbidden");
        // An unknown report and one never sent to this agency answer alike.
        await RefusedAsync("treasury", Agency(AppRoles.AgencyTreasury), Ack(reportId, "accepted"), HttpStatusCode.NotFound, "not-found");
        await RefusedAsync("dhs", Agency(AppRoles.AgencyDhs), Ack(Guid.NewGuid().ToString("N"), "accepted"), HttpStatusCode.NotFound, "not-found");
        await RefusedAsync("fbi", Agency(AppRoles.AgencyDhs), Ack(reportId, "accepted"), HttpStatusCode.NotFound, "not-found");
        // A disposition without what it needs, or with what it does not take; a duplicate of a report the agency never had.
        await RefusedAsync("dhs", Agency(AppRoles.AgencyDhs), Ack(reportId, "needs-more-information"), HttpStatusCode.UnprocessableEntity, "validation");
        await RefusedAsync("dhs", Agency(AppRoles.AgencyDhs), Ack(reportId, "accepted", "\"question\":\"why?\""), HttpStatusCode.UnprocessableEntity, "validation");
        await RefusedAsync("dhs", Agency(AppRoles.AgencyDhs), Ack(reportId, "maybe"), HttpStatusCode.UnprocessableEntity, "validation");
        await RefusedAsync("dhs", Agency(AppRoles.AgencyDhs), Ack(reportId, "duplicate-of", $"\"duplicateOf\":\"{Guid.NewGuid():N}\""), HttpStatusCode.UnprocessableEntity, "validation");
        // A duplicate of a report that exists but DHS never had: refused alike, so nothing can be probed through it.
        using var domestic = await stack.SubmitAsync("""
            {"schemaVersion":"1.0","electionId":"2026-11-03-general","title":"Local dispute","narrative":"A local candidate's signs were stolen.",
             "observedAt":"2026-11-03T12:00:00Z","jurisdiction":{"state":"PA"}}
            """);
        var notSent = (await domestic.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("reportId").GetString()!;
        Assert.Empty((await stack.WaitForRoutedAsync(notSent)).GetProperty("routing").EnumerateArray());
        await RefusedAsync("dhs", Agency(AppRoles.AgencyDhs), Ack(reportId, "duplicate-of", $"\"duplicateOf\":\"{notSent}\""), HttpStatusCode.UnprocessableEntity, "validation");
        await RefusedAsync("dhs", Agency(AppRoles.AgencyDhs), "{\"reportId\":", HttpStatusCode.BadRequest, "malformed");
        // At the limits: a question one character too long, a body over 16 KiB.
        await RefusedAsync("dhs", Agency(AppRoles.AgencyDhs), Ack(reportId, "needs-more-information", $"\"question\":\"{new string('q', AcknowledgementHandler.MaxText + 1)}\""),
            HttpStatusCode.UnprocessableEntity, "validation");
        await RefusedAsync("dhs", Agency(AppRoles.AgencyDhs), Ack(reportId, "accepted", $"\"padding\":\"{new string(' ', 16 * 1024)}\""), HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        // The watch's data without the role.
        using (var watch = await SendAsync(HttpMethod.Get, "/api/watch/data", stack.Token()))
            Assert.Equal(HttpStatusCode.Forbidden, watch.StatusCode);
        // A follow-up one character over the answer's limit.
        using (var tooLong = await SendAsync(HttpMethod.Post, $"/api/reports/{reportId}/follow-ups", stack.Token(),
            $$"""{"answer":"{{new string('a', Intake.FollowUpHandler.MaxAnswer + 1)}}"}"""))
            Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        // A follow-up to another partner's report.
        using (var other = await SendAsync(HttpMethod.Post, $"/api/reports/{reportId}/follow-ups", stack.Token("other-partner"), """{"answer":"x"}"""))
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);

        var stored = (await stack.Service<ReportStore>().ReadAsync(reportId, Cancel))!.Value;
        Assert.Empty(stored.Acknowledgements);
        Assert.Empty(stored.Amendments);
    }

    [Fact]
    public async Task The_watch_page_shows_a_report_submitted_seconds_before_and_updates_without_a_reload()
    {
        var first = Guid.NewGuid().ToString("N")[..8];
        await stack.WaitForRoutedAsync(await CriticalAsync(first));
        await using var chromium = await HeadlessChromium.StartAsync(Cancel);
        // The token in the fragment: the page keeps it for the tab and takes it out of the address.
        await chromium.NavigateAsync($"{stack.Http.BaseAddress}api/watch#token={stack.Token("watch-screen", [AppRoles.WatchRead])}", Cancel);
        await UntilShownAsync(chromium, first);
        await chromium.EvaluateAsync("window.loadedOnce = true", Cancel);
        Assert.DoesNotContain("token=", await chromium.EvaluateAsync("location.href", Cancel));

        // A report submitted now appears on the same page: it refreshes itself.
        var second = Guid.NewGuid().ToString("N")[..8];
        await stack.WaitForRoutedAsync(await CriticalAsync(second));
        await UntilShownAsync(chromium, second);
        Assert.Equal("true", await chromium.EvaluateAsync("window.loadedOnce === true", Cancel));
        Assert.Equal("updated", (await chromium.EvaluateAsync("document.getElementById('status').textContent", Cancel)).Split(' ')[0]);

        var output = Directory.CreateDirectory(Path.Combine(TestPaths.RepositoryRoot, "TestResults", "screenshots")).FullName;
        var screenshot = await chromium.ScreenshotAsync(Cancel);
        await File.WriteAllBytesAsync(Path.Combine(output, "watch.png"), screenshot, Cancel);
        Assert.True(screenshot.Length > 10_000, "no screenshot");
        Assert.True(chromium.Problems.IsEmpty, string.Join("\n", chromium.Problems));
    }

    /// <summary>Until the page shows the tagged report; waits on the page's progress (its refresh count), not on a deadline.</summary>
    private static async Task UntilShownAsync(HeadlessChromium chromium, string tag)
    {
        var (last, since) = ("", DateTime.UtcNow);
        while (true)
        {
            if ((await chromium.EvaluateAsync("document.body.innerText", Cancel)).Contains(tag, StringComparison.Ordinal)) return;
            var refreshes = await chromium.EvaluateAsync("document.body.dataset.refreshes || ''", Cancel);
            if (refreshes != last) (last, since) = (refreshes, DateTime.UtcNow);
            Assert.True(DateTime.UtcNow - since < TimeSpan.FromSeconds(60),
                $"the page stopped refreshing at {last} without showing {tag}: {await chromium.EvaluateAsync("document.getElementById('status').textContent", Cancel)} {string.Join(" | ", chromium.Problems)}");
            await Task.Delay(250, Cancel);
        }
    }
}
