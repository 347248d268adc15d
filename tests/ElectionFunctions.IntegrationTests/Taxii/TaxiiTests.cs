using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ElectionFunctions.Security;
using ElectionFunctions.Taxii;
using TaxiiSpecCollection = ElectionFunctions.IntegrationTests.Taxii.TaxiiCollection;

namespace ElectionFunctions.IntegrationTests.Taxii;

/// <summary>
/// The TAXII 2.1 server on the emulators, read and written by <see cref="TaxiiSpecClient"/>, a client written from the
/// specification (not from the server): discovery to objects, a push polled to completion and its reports coming out of
/// the agencies' collections they were routed to (and of no other), paging, and every error as a TAXII error message.
/// </summary>
public sealed class TaxiiTests(LocalStack stack)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private HttpClient Client(string? token)
    {
        var http = new HttpClient { BaseAddress = stack.Http.BaseAddress };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private string Agency(string role) => stack.Token("agency-" + role.ToLowerInvariant(), [role]);

    private async Task<(TaxiiSpecClient Client, string ApiRoot, TaxiiSpecCollection Collection)> OpenAsync(string token)
    {
        var client = new TaxiiSpecClient(Client(token));
        var discovery = await client.DiscoverAsync(Cancel);
        var root = Assert.Single(discovery.ApiRoots);
        Assert.Equal(root, discovery.Default);
        var apiRoot = await client.GetApiRootAsync(root, Cancel);
        Assert.Contains(TaxiiSpecClient.MediaType, apiRoot.Versions);
        var collection = Assert.Single(await client.GetCollectionsAsync(root, Cancel));
        Assert.Equal(collection.Id, (await client.GetCollectionAsync(root, collection.Id, Cancel)).Id);
        return (client, root, collection);
    }

    /// <summary>Every object of the collection the filters take, following next; waits on nothing.</summary>
    private static async Task<List<JsonObject>> AllAsync(TaxiiSpecClient client, string root, string collection, TaxiiQuery query)
    {
        var all = new List<JsonObject>();
        var page = await client.GetObjectsAsync(root, collection, query, Cancel);
        all.AddRange(page.Objects);
        while (page.More)
        {
            page = await client.GetObjectsAsync(root, collection, query with { Next = page.Next }, Cancel);
            all.AddRange(page.Objects);
        }
        return all;
    }

    /// <summary>
    /// The report's objects in an agency collection once routing has added them: routing adds them before it marks the report
    /// routed, and the collection serves what is older than its settle delay (1 s in this stack), so one read after both holds them.
    /// </summary>
    private async Task<List<JsonObject>> ReportObjectsAsync(TaxiiSpecClient client, string root, string collection, string reportId)
    {
        await stack.WaitForRoutedAsync(reportId, TestPartners.Partner);
        await Task.Delay(LocalStack.TaxiiSettle + TimeSpan.FromMilliseconds(100), Cancel);
        var found = await AllAsync(client, root, collection, new TaxiiQuery { MatchId = ReportStix.ReportObjectId(reportId) });
        return found.Count == 0 ? [] : await AllObjectsOfAsync(client, root, collection, found[0]);
    }

    private static async Task<List<JsonObject>> AllObjectsOfAsync(TaxiiSpecClient client, string root, string collection, JsonObject report)
    {
        var ids = report["object_refs"]!.AsArray().Select(r => r!.GetValue<string>()).Append(report["id"]!.GetValue<string>()).ToHashSet();
        return [.. (await AllAsync(client, root, collection, new TaxiiQuery { MatchId = string.Join(",", ids) }))];
    }

    [Fact]
    public async Task An_agency_discovers_its_collection_and_reads_a_routed_report_every_object_TLP_marked()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        using var response = await stack.SubmitAsync($$"""
            {
              "schemaVersion": "1.0", "electionId": "2026-11-03-general", "title": "Results site accessed ({{tag}})",
              "narrative": "Operators gained access to the county results page ({{tag}}).", "observedAt": "2026-11-03T21:40:00Z",
              "jurisdiction": { "state": "GA" }, "tlp": "AMBER", "targetedSystems": ["results-reporting-website"], "effects": ["access-gained"],
              "suspectedForeignGovernments": ["RU"], "indicators": [{"type":"domain","value":"taxii-{{tag}}.example"}]
            }
            """);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var reportId = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("reportId").GetString()!;

        var (dhs, root, collection) = await OpenAsync(Agency(AppRoles.AgencyDhs));
        Assert.True(collection.CanRead);
        Assert.False(collection.CanWrite);
        var objects = await ReportObjectsAsync(dhs, root, collection.Id, reportId);
        var report = Assert.Single(objects, o => o["type"]!.GetValue<string>() == "report");
        Assert.Equal(reportId, report["x_electionfunctions_report_id"]!.GetValue<string>());
        Assert.Contains(objects, o => o["type"]!.GetValue<string>() == "indicator" && o["pattern"]!.GetValue<string>() == $"[domain-name:value = 'taxii-{tag}.example']");
        const string amber = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
        Assert.All(objects, o => Assert.Equal([amber], o["object_marking_refs"]!.AsArray().Select(m => m!.GetValue<string>())));
        // The marking definition it names is in the collection too.
        Assert.Single(await AllAsync(dhs, root, collection.Id, new TaxiiQuery { MatchId = amber }));

        // The object by id, its versions and the manifest agree.
        var byId = await dhs.GetObjectAsync(root, collection.Id, report["id"]!.GetValue<string>(), TaxiiQuery.None, Cancel);
        Assert.Equal(report["modified"]!.GetValue<string>(), Assert.Single(byId.Objects)["modified"]!.GetValue<string>());
        var versions = await dhs.GetObjectVersionsAsync(root, collection.Id, report["id"]!.GetValue<string>(), TaxiiQuery.None, Cancel);
        Assert.Equal([report["modified"]!.GetValue<string>()], versions.Versions);
        var manifest = await dhs.GetManifestAsync(root, collection.Id, new TaxiiQuery { MatchId = report["id"]!.GetValue<string>() }, Cancel);
        Assert.Equal(byId.DateAddedFirst, Assert.Single(manifest.Records).DateAdded);

        // Treasury was not sent it (no funds moved): its collection does not hold it.
        var (treasury, _, treasuryCollection) = await OpenAsync(Agency(AppRoles.AgencyTreasury));
        Assert.Empty(await AllAsync(treasury, root, treasuryCollection.Id, new TaxiiQuery { MatchId = report["id"]!.GetValue<string>() }));
    }

    public static TheoryData<string> Exports => ["misp-event-election.json", "opencti-report-election.json"];

    [Theory]
    [MemberData(nameof(Exports))]
    public async Task A_partners_export_pushed_as_an_envelope_comes_out_of_the_agency_collections_it_was_routed_to(string export)
    {
        var bundle = JsonNode.Parse(TestPaths.Sample(Path.Combine("stix-world", export)))!.AsObject();
        var envelope = new JsonObject { ["objects"] = bundle["objects"]!.DeepClone() };
        var (partner, root, push) = await OpenAsync(stack.Token());
        Assert.True(push.CanWrite);
        Assert.False(push.CanRead);

        var posted = await partner.PostEnvelopeAsync(root, push.Id, envelope, Cancel);
        var status = await partner.PollStatusUntilCompleteAsync(root, posted.Id, Cancel);
        TaxiiSpecClient.AssertStatusMatchesEnvelope(status, envelope);
        Assert.Equal(envelope["objects"]!.AsArray().Count, status.SuccessCount);
        var reportObject = bundle["objects"]!.AsArray().Single(o => o!["type"]!.GetValue<string>() == "report")!["id"]!.GetValue<string>();
        var reportId = Assert.Single(status.Successes, s => s.Id == reportObject).Message!.Split(' ')[1];

        // The same objects pushed again are the same report, in the same envelope or in another holding more.
        var again = await partner.PostEnvelopeAsync(root, push.Id, envelope, Cancel);
        Assert.Equal($"report {reportId}", Assert.Single(again.Successes, s => s.Id == reportObject).Message);
        var larger = envelope.DeepClone().AsObject();
        larger["objects"]!.AsArray().Add(JsonNode.Parse($$"""
            {"type":"note","spec_version":"2.1","id":"note--{{Guid.NewGuid()}}","created":"2024-10-15T00:00:00.000Z","modified":"2024-10-15T00:00:00.000Z",
             "content":"Seen again.","object_refs":["{{reportObject}}"]}
            """));
        var other = await partner.PostEnvelopeAsync(root, push.Id, larger, Cancel);
        Assert.Equal($"report {reportId}", Assert.Single(other.Successes, s => s.Id == reportObject).Message);

        var routed = await stack.WaitForRoutedAsync(reportId, TestPartners.Partner);
        var agencies = routed.GetProperty("routing").EnumerateArray().Select(r => r.GetProperty("agency").GetString()!).ToList();
        Assert.NotEmpty(agencies);
        foreach (var (role, agency) in new[] { (AppRoles.AgencyOdni, "odni"), (AppRoles.AgencyDhs, "dhs"), (AppRoles.AgencyDoj, "doj"), (AppRoles.AgencyTreasury, "treasury") })
        {
            var (client, _, collection) = await OpenAsync(Agency(role));
            var objects = await ReportObjectsAsync(client, root, collection.Id, reportId);
            if (!agencies.Contains(agency))
            {
                Assert.Empty(objects);
                continue;
            }
            var report = Assert.Single(objects, o => o["type"]!.GetValue<string>() == "report");
            Assert.Equal(bundle["objects"]!.AsArray().Single(o => o!["id"]!.GetValue<string>() == reportObject)!["name"]!.GetValue<string>(), report["name"]!.GetValue<string>());
            Assert.Equal(routed.GetProperty("tlp").GetString(), report["x_electionfunctions_tlp"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_thousand_objects_page_by_next_and_by_added_after_each_once_in_date_added_order()
    {
        // 100 entries of 10 objects, added a millisecond apart in the past, in the Treasury collection (other tests add more there).
        var store = stack.Service<TaxiiStore>();
        var collectionId = TaxiiCollections.ForAgency("treasury");
        var start = DateTimeOffset.UtcNow.AddMinutes(-30).AddSeconds(-Random.Shared.Next(0, 600));
        var seeded = new HashSet<string>();
        for (var e = 0; e < 100; e++)
        {
            var objects = Enumerable.Range(0, 10).Select(i =>
            {
                var id = $"indicator--{Guid.NewGuid()}";
                seeded.Add(id);
                return new JsonObject
                {
                    ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-11-03T21:40:00.000Z", ["modified"] = "2026-11-03T21:40:00.000Z",
                    ["pattern"] = $"[ipv4-addr:value = '198.51.100.{i}']", ["pattern_type"] = "stix", ["valid_from"] = "2026-11-03T21:40:00.000Z",
                };
            }).ToList();
            Assert.True(await store.AddAsync(TaxiiEntry.Create(collectionId, $"seed:{Guid.NewGuid():N}", start.AddMilliseconds(e), objects), Cancel));
        }

        var (client, root, collection) = await OpenAsync(Agency(AppRoles.AgencyTreasury));
        Assert.Equal(collectionId, collection.Id);
        var after = TaxiiEntry.Timestamp(start.AddMilliseconds(-1));

        // By next, 37 at most a page: pages end where an entry ends.
        var byNext = new List<JsonObject>();
        var query = new TaxiiQuery { AddedAfter = after, Limit = 37 };
        var page = await client.GetObjectsAsync(root, collection.Id, query, Cancel);
        var pages = 1;
        byNext.AddRange(page.Objects);
        while (page.More)
        {
            Assert.InRange(page.Objects.Count, 1, 37);
            page = await client.GetObjectsAsync(root, collection.Id, query with { Next = page.Next }, Cancel);
            byNext.AddRange(page.Objects);
            pages++;
        }
        AssertEachSeededOnce(seeded, byNext);
        Assert.True(pages >= 1000 / 37, $"{pages} pages");

        // By added_after: each page's X-TAXII-Date-Added-Last as the next request's added_after.
        var byAddedAfter = new List<JsonObject>();
        var last = after;
        for (var requests = 0; ; requests++)
        {
            Assert.True(requests < 1000, "added_after paging does not advance");
            var p = await client.GetObjectsAsync(root, collection.Id, new TaxiiQuery { AddedAfter = last, Limit = 50 }, Cancel);
            byAddedAfter.AddRange(p.Objects);
            if (p.Objects.Count == 0) break;
            Assert.True(string.CompareOrdinal(p.DateAddedFirst, last) > 0, "a page starts after its added_after");
            last = p.DateAddedLast!;
        }
        AssertEachSeededOnce(seeded, byAddedAfter);

        // A limit smaller than an entry splits it, and next still serves each object once.
        var small = await AllAsync(client, root, collection.Id, new TaxiiQuery { AddedAfter = after, Limit = 7 });
        AssertEachSeededOnce(seeded, small);

        // The manifest pages alike, in date_added order.
        var manifest = new List<TaxiiManifestRecord>();
        var m = await client.GetManifestAsync(root, collection.Id, new TaxiiQuery { AddedAfter = after, Limit = 200 }, Cancel);
        manifest.AddRange(m.Records);
        while (m.More)
        {
            m = await client.GetManifestAsync(root, collection.Id, new TaxiiQuery { AddedAfter = after, Limit = 200, Next = m.Next }, Cancel);
            manifest.AddRange(m.Records);
        }
        Assert.Equal(seeded.Count, manifest.Count(r => seeded.Contains(r.Id)));
        Assert.Equal(manifest.Select(r => r.DateAdded), manifest.Select(r => r.DateAdded).Order(StringComparer.Ordinal));
    }

    private static void AssertEachSeededOnce(HashSet<string> seeded, List<JsonObject> served)
    {
        var ids = served.Select(o => o["id"]!.GetValue<string>()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Empty(seeded.Except(ids));
    }

    [Fact]
    public async Task Every_error_is_a_TAXII_error_message_with_its_status()
    {
        var (dhs, root, dhsCollection) = await OpenAsync(Agency(AppRoles.AgencyDhs));
        var (partner, _, push) = await OpenAsync(stack.Token());
        var objects = TaxiiSpecClient.ObjectsUrl(root, dhsCollection.Id);
        string Envelope(string objectsJson) => $$"""{"objects":{{objectsJson}}}""";

        // 401 without a token, 403 with none of the roles.
        var anonymous = new TaxiiSpecClient(Client(null));
        await anonymous.ExpectErrorAsync(TaxiiSpecClient.CreateRequest(HttpMethod.Get, TaxiiSpecClient.DiscoveryPath), 401, Cancel);
        var reader = new TaxiiSpecClient(Client(stack.Token(roles: [AppRoles.Read])));
        await reader.ExpectErrorAsync(TaxiiSpecClient.CreateRequest(HttpMethod.Get, TaxiiSpecClient.CollectionsUrl(root)), 403, Cancel);

        // 404: an unknown collection, another agency's collection, an object the collection does not hold, an unknown status.
        await dhs.ExpectErrorAsync(TaxiiSpecClient.CreateRequest(HttpMethod.Get, TaxiiSpecClient.ObjectsUrl(root, Guid.NewGuid().ToString())), 404, Cancel);
        await dhs.ExpectErrorAsync(TaxiiSpecClient.CreateRequest(HttpMethod.Get, TaxiiSpecClient.ObjectsUrl(root, TaxiiCollections.ForAgency("odni"))), 404, Cancel);
        await dhs.ExpectErrorAsync(TaxiiSpecClient.CreateRequest(HttpMethod.Get, TaxiiSpecClient.ObjectUrl(root, dhsCollection.Id, $"indicator--{Guid.NewGuid()}")), 404, Cancel);
        await partner.ExpectErrorAsync(TaxiiSpecClient.CreateRequest(HttpMethod.Get, TaxiiSpecClient.StatusUrl(root, Guid.NewGuid().ToString())), 404, Cancel);

        // 403: reading a write-only collection, writing a read-only one.
        await partner.ExpectErrorAsync(TaxiiSpecClient.CreateRequest(HttpMethod.Get, TaxiiSpecClient.ObjectsUrl(root, push.Id)), 403, Cancel);
        await dhs.ExpectErrorAsync(TaxiiSpecClient.CreateRequest(HttpMethod.Post, objects, body: Envelope("[]")), 403, Cancel);

        // 406 and 415: the media types.
        await dhs.ExpectErrorAsync(TaxiiSpecClient.CreateRequest(HttpMethod.Get, objects, accept: "application/xml"), 406, Cancel);
        var pushObjects = TaxiiSpecClient.ObjectsUrl(root, push.Id);
        await partner.ExpectErrorAsync(TaxiiSpecClient.CreateRequest(HttpMethod.Post, pushObjects, body: Envelope("[]"), contentType: "application/json"), 415, Cancel);

        // 400: a parameter the server cannot read, or a body that is not JSON.
        await dhs.ExpectErrorAsync(TaxiiSpecClient.CreateRequest(HttpMethod.Get, objects + "?limit=0"), 400, Cancel);
        await dhs.ExpectErrorAsync(TaxiiSpecClient.CreateRequest(HttpMethod.Get, objects + "?added_after=yesterday"), 400, Cancel);
        await dhs.ExpectErrorAsync(TaxiiSpecClient.CreateRequest(HttpMethod.Get, objects + "?next=not-a-token"), 400, Cancel);
        await partner.ExpectErrorAsync(TaxiiSpecClient.CreateRequest(HttpMethod.Post, pushObjects, body: "{\"objects\": ["), 400, Cancel);

        // 422: not STIX 2.1, named per object.
        var invalid = await partner.ExpectErrorAsync(TaxiiSpecClient.CreateRequest(HttpMethod.Post, pushObjects,
            body: Envelope("""[{"type":"indicator","id":"indicator--not-a-uuid","spec_version":"2.1"}]""")), 422, Cancel);
        Assert.Contains("objects[0]", invalid.Details!["errors"]!.AsObject().Select(e => e.Key));
        await partner.ExpectErrorAsync(TaxiiSpecClient.CreateRequest(HttpMethod.Post, pushObjects, body: Envelope("[]")), 422, Cancel);

        // 413: over the API root's max_content_length.
        var max = (await partner.GetApiRootAsync(root, Cancel)).MaxContentLength;
        await partner.ExpectErrorAsync(TaxiiSpecClient.CreateRequest(HttpMethod.Post, pushObjects, body: Envelope($"[\"{new string('x', (int)max)}\"]")), 413, Cancel);
    }

    /// <summary>A clock that moves ten seconds each time it is read: every write looks slow.</summary>
    private sealed class SlowWrites(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Last { get; private set; } = start;
        public override DateTimeOffset GetUtcNow() => Last = Last.AddSeconds(10);
    }

    [Fact]
    public async Task An_entry_whose_write_took_longer_than_half_the_settle_delay_is_stamped_again()
    {
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        var clock = new SlowWrites(start);
        var feed = new TaxiiFeed(stack.Service<TaxiiStore>(), stack.Service<Microsoft.Extensions.Options.IOptions<TaxiiOptions>>(), clock);
        var reportId = Guid.NewGuid().ToString("N");
        var report = new ReportDocument
        {
            Id = reportId, PartnerId = TestPartners.Partner, Status = ReportStatus.Classified, ReceivedAt = start, Sha256 = new string('a', 64),
            BlobPath = "submissions/x.json", ContentType = "application/json", ElectionId = "2026-11-03-general", Tlp = "GREEN",
            Report = new StoredReport
            {
                SchemaVersion = "1.0", ElectionId = "2026-11-03-general", FederalContest = true, Title = "Slow write", Narrative = "A write the SDK retried.", ObservedAt = start, Tlp = "GREEN",
            },
            Classification = new ClassificationResult(["election-infrastructure"], "high", true, ["in-scope"], [new Reason("r", "e")], start),
        };
        await feed.AddAsync(Routing.AgencyMessage.For("treasury", report, []), Cancel);

        var entry = Assert.Single(await stack.Service<TaxiiStore>().QueryAsync(TaxiiCollections.ForAgency("treasury"), "", true, "9999", [ReportStix.ReportObjectId(reportId)], [], Cancel).ToListAsync(Cancel));
        // Stamped, found slow at the next reading of the clock (10 s > half of the settle delay), and stamped again: the last reading.
        Assert.Equal(clock.Last.UtcTicks / 10, entry.DateAdded.UtcTicks / 10);
    }
}
