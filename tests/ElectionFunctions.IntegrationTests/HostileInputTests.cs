// Over 200 lines: the table of 101 hostile requests is the point of the file.
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ElectionFunctions.Security;
using ElectionFunctions.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ElectionFunctions.IntegrationTests;

/// <summary>
/// Requests an attacker or a hurried partner might send, each with its exact status and problem type,
/// and each checked to have written nothing: no blob, no document, no queue message. The stack serves
/// HTTP only, so a message a route wrote would still be on its queue.
/// </summary>
public sealed class HostileInputTests(HttpOnlyStack stack) : IClassFixture<HttpOnlyStack>
{
    private const string Partner = "hostile-partner";
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private sealed record Case(int Status, string Type, Func<HttpOnlyStack, HttpRequestMessage> Request);

    private static readonly string Valid = """
        {"schemaVersion":"1.0","electionId":"2026-11-03-general","title":"Probe","narrative":"Scanning from an IRGC-linked range.",
         "observedAt":"2026-11-03T10:00:00Z","jurisdiction":{"state":"GA","countyFips":"13121"},"suspectedForeignGovernments":["IR"]}
        """;

    /// <summary>The valid body with one member set (JSON text) or removed (null).</summary>
    private static string With(string name, string? json)
    {
        var body = JsonNode.Parse(Valid)!.AsObject();
        if (json is null) body.Remove(name);
        else body[name] = JsonNode.Parse(json);
        return body.ToJsonString();
    }

    private static string Token(HttpOnlyStack s, string partner = Partner, string[]? roles = null, DateTimeOffset? now = null,
        TimeSpan? lifetime = null, string issuer = TestIdentity.Issuer, string audience = TestIdentity.Audience, SecurityKey? key = null) =>
        s.Token(partner, roles ?? [AppRoles.Submit], lifetime, now, issuer, audience, key);

    private static HttpRequestMessage Post(HttpOnlyStack s, byte[] body, string? contentType = "application/json", string? token = null, Action<HttpRequestMessage>? more = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports") { Content = new ByteArrayContent(body) };
        if (contentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token(s));
        more?.Invoke(request);
        return request;
    }

    private static Case Body(string body, int status = 422, string type = "validation") => new(status, type, s => Post(s, Encoding.UTF8.GetBytes(body)));
    private static Case Bytes(byte[] body, int status = 400, string type = "malformed") => new(status, type, s => Post(s, body));
    private static Case Auth(Func<HttpOnlyStack, string?> token, int status = 401, string type = "unauthorized") =>
        new(status, type, s => Post(s, Encoding.UTF8.GetBytes(Valid), token: "x", more: r =>
            r.Headers.Authorization = token(s) is { } t ? AuthenticationHeaderValue.Parse(t) : null));
    private static Case Stix(string body, string type = "stix-unusable") =>
        new(422, type, s => Post(s, Encoding.UTF8.GetBytes(body), "application/stix+json;version=2.1"));

    private static string Unsigned(HttpOnlyStack s)
    {
        // alg "none": a valid-looking token with no signature.
        var signed = Token(s).Split('.');
        var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        return $"{header}.{signed[1]}.";
    }

    private static string Tampered(HttpOnlyStack s)
    {
        // The signature of a Reports.Read token over a payload that claims Reports.Submit.
        var parts = Token(s, roles: [AppRoles.Read]).Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace(AppRoles.Read, AppRoles.Submit);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
    }

    private static string WithoutClient(HttpOnlyStack s) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = TestIdentity.Issuer, Audience = TestIdentity.Audience, Expires = DateTime.UtcNow.AddMinutes(5),
        SigningCredentials = new SigningCredentials(s.Key, SecurityAlgorithms.RsaSha256),
        Claims = new Dictionary<string, object> { ["roles"] = new[] { AppRoles.Submit }, ["sub"] = "nobody" },
    });

    private static string Bundle(Action<JsonNode> change)
    {
        var bundle = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", "incident.stix.json")))!;
        change(bundle);
        return bundle.ToJsonString();
    }

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // Authentication and authorization
        ["auth: no Authorization header"] = Auth(_ => null),
        ["auth: empty bearer"] = Auth(_ => "Bearer"),
        ["auth: Basic scheme"] = Auth(_ => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:admin"))),
        ["auth: expired"] = Auth(s => "Bearer " + Token(s, now: DateTimeOffset.UtcNow.AddHours(-3), lifetime: TimeSpan.FromMinutes(30))),
        ["auth: not yet valid"] = Auth(s => "Bearer " + Token(s, now: DateTimeOffset.UtcNow.AddHours(3))),
        ["auth: wrong audience"] = Auth(s => "Bearer " + Token(s, audience: "api://another-app")),
        ["auth: wrong issuer"] = Auth(s => "Bearer " + Token(s, issuer: "https://login.microsoftonline.com/evil/v2.0")),
        ["auth: alg none"] = Auth(s => "Bearer " + Unsigned(s)),
        ["auth: wrong signing key"] = Auth(s => "Bearer " + Token(s, key: new RsaSecurityKey(RSA.Create(2048)) { KeyId = DevelopmentAuthOptions.KeyId })),
        ["auth: HMAC key confusion"] = Auth(_ => "Bearer " + LocalHost.DevelopmentTokens.Create(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(64)) { KeyId = DevelopmentAuthOptions.KeyId },
            TestIdentity.Issuer, TestIdentity.Audience, Partner, [AppRoles.Submit], DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5), SecurityAlgorithms.HmacSha256)),
        ["auth: tampered payload"] = Auth(s => "Bearer " + Tampered(s)),
        ["auth: garbage"] = Auth(_ => "Bearer not.a.jwt"),
        ["auth: no client id"] = Auth(s => "Bearer " + WithoutClient(s)),
        ["auth: missing role"] = Auth(s => "Bearer " + Token(s, roles: [AppRoles.Read]), 403, "forbidden"),
        // Microsoft.Identity.Web fails authentication itself for a token with neither roles nor scp.
        ["auth: no role claim at all"] = Auth(s => "Bearer " + Token(s, roles: [])),
        ["auth: unregistered partner"] = Auth(s => "Bearer " + Token(s, partner: "stranger"), 403, "partner-not-registered"),

        // Content type and size
        ["type: none"] = new(415, "unsupported-media-type", s => Post(s, Encoding.UTF8.GetBytes(Valid), contentType: null)),
        ["type: text/plain"] = new(415, "unsupported-media-type", s => Post(s, Encoding.UTF8.GetBytes(Valid), "text/plain")),
        ["type: application/xml"] = new(415, "unsupported-media-type", s => Post(s, Encoding.UTF8.GetBytes("<report/>"), "application/xml")),
        ["type: STIX 2.0"] = new(415, "unsupported-media-type", s => Post(s, Encoding.UTF8.GetBytes(Valid), "application/stix+json;version=2.0")),
        ["type: form"] = new(415, "unsupported-media-type", s => Post(s, Encoding.UTF8.GetBytes("a=b"), "application/x-www-form-urlencoded")),
        ["size: over 1 MiB with Content-Length"] = Bytes(Encoding.UTF8.GetBytes(With("narrative", JsonSerializer.Serialize(new string('a', 1024 * 1024)))), 413, "payload-too-large"),
        ["size: over 1 MiB chunked"] = new(413, "payload-too-large", s =>
        {
            var request = Post(s, []);
            request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(With("narrative", JsonSerializer.Serialize(new string('a', 1024 * 1024))))));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TransferEncodingChunked = true;
            return request;
        }),

        // Stored, 150,000 emoji take 12 bytes each (\\uD83D\\uDE00): over the stored document's limit though the body is 600 KB.
        ["size: stored document over the item limit"] = Bytes(Encoding.UTF8.GetBytes(Valid.Replace("Scanning from an IRGC-linked range.",
            string.Concat(Enumerable.Repeat("\U0001F5F3", 150_000)))), 413, "document-too-large"),

        // Malformed JSON
        ["json: empty body"] = Bytes([]),
        ["json: truncated"] = Bytes("{\"schemaVersion\":"u8.ToArray()),
        ["json: array"] = Bytes("[]"u8.ToArray()),
        ["json: string"] = Bytes("\"report\""u8.ToArray()),
        ["json: null"] = Bytes("null"u8.ToArray()),
        ["json: invalid UTF-8"] = Bytes([.. "{\"schemaVersion\":\"1.0\",\"title\":\""u8, 0xC3, 0x28, .. "\"}"u8]),
        ["json: duplicate key"] = Bytes(Encoding.UTF8.GetBytes(Valid.Replace("\"title\":\"Probe\"", "\"title\":\"Probe\",\"title\":\"Other\""))),
        ["json: nesting 33 deep"] = Bytes(Encoding.UTF8.GetBytes(With("partnerReference", new string('[', 32) + new string(']', 32)))),
        ["json: trailing comma"] = Bytes(Encoding.UTF8.GetBytes(Valid.TrimEnd().TrimEnd('}') + ",}")),
        ["json: comment"] = Bytes(Encoding.UTF8.GetBytes("/* hi */" + Valid)),
        ["json: NaN"] = Bytes(Encoding.UTF8.GetBytes(Valid.TrimEnd().TrimEnd('}') + ",\"x\":NaN}")),
        ["json: two documents"] = Bytes(Encoding.UTF8.GetBytes(Valid + Valid)),

        // Idempotency-Key
        ["key: longer than 200"] = new(422, "validation", s => Post(s, Encoding.UTF8.GetBytes(Valid), more: r => r.Headers.Add("Idempotency-Key", new string('k', 201)))),
        ["key: with a space"] = new(422, "validation", s => Post(s, Encoding.UTF8.GetBytes(Valid), more: r => r.Headers.TryAddWithoutValidation("Idempotency-Key", "a b"))),
        ["key: twice"] = new(422, "validation", s => Post(s, Encoding.UTF8.GetBytes(Valid), more: r => { r.Headers.Add("Idempotency-Key", "one"); r.Headers.Add("Idempotency-Key", "two"); })),

        // Fields
        ["field: schemaVersion missing"] = Body(With("schemaVersion", null)),
        ["field: schemaVersion 2.0"] = Body(With("schemaVersion", "\"2.0\"")),
        ["field: title missing"] = Body(With("title", null)),
        ["field: title empty"] = Body(With("title", "\"\"")),
        ["field: title null"] = Body(With("title", "null")),
        ["field: title number"] = Body(With("title", "42")),
        ["field: title 301 characters"] = Body(With("title", JsonSerializer.Serialize(new string('t', 301)))),
        ["field: title with escape character"] = Body(With("title", "\"a\\u001b[31mred\"")),
        ["field: narrative 200001 characters"] = Body(With("narrative", JsonSerializer.Serialize(new string('n', 200_001)))),
        ["field: narrative with NUL"] = Body(With("narrative", "\"a\\u0000b\"")),
        ["field: narrative object"] = Body(With("narrative", "{\"text\":\"x\"}")),
        ["field: observedAt not a date"] = Body(With("observedAt", "\"yesterday\"")),
        ["field: observedAt number"] = Body(With("observedAt", "1730000000")),
        ["field: observedAt in the future"] = Body(With("observedAt", JsonSerializer.Serialize(DateTimeOffset.UtcNow.AddHours(1)))),
        ["field: electionId unknown"] = Body(With("electionId", "\"2027-11-02-general\"")),
        ["field: electionId with script"] = Body(With("electionId", "\"<script>alert(1)</script>\"")),
        ["field: no election window holds observedAt"] = Body(With("electionId", null).Replace("2026-11-03T10:00:00Z", "2010-01-01T00:00:00Z")),
        ["field: federalContest string"] = Body(With("federalContest", "\"yes\"")),
        ["field: tlp PURPLE"] = Body(With("tlp", "\"PURPLE\"")),
        ["field: tlp lower case"] = Body(With("tlp", "\"amber\"")),
        ["field: recipients without RED"] = Body(With("recipients", "[\"dhs\"]")),
        ["field: recipients unknown agency"] = Body(With("tlp", "\"RED\"").Replace("}", ",\"recipients\":[\"cia\"]}")),
        ["field: targetedSystems unknown"] = Body(With("targetedSystems", "[\"toaster\"]")),
        ["field: targetedSystems not an array"] = Body(With("targetedSystems", "\"tabulation\"")),
        ["field: effects duplicated"] = Body(With("effects", "[\"intimidation\",\"intimidation\"]")),
        ["field: effects with null"] = Body(With("effects", "[null]")),
        ["field: government not a code"] = Body(With("suspectedForeignGovernments", "[\"Iran\"]")),
        ["field: actor without name"] = Body(With("namedActors", "[{\"kind\":\"person\"}]")),
        ["field: actor kind robot"] = Body(With("namedActors", "[{\"name\":\"x\",\"kind\":\"robot\"}]")),
        ["field: actor role unknown"] = Body(With("namedActors", "[{\"name\":\"x\",\"kind\":\"person\",\"role\":\"mastermind\"}]")),
        ["field: actor null"] = Body(With("namedActors", "[null]")),
        ["field: indicator type ssn"] = Body(With("indicators", "[{\"type\":\"ssn\",\"value\":\"123-45-6789\"}]")),
        ["field: indicator value empty"] = Body(With("indicators", "[{\"type\":\"ipv4\",\"value\":\"\"}]")),
        ["field: indicator ipv4 999.1.1.1"] = Body(With("indicators", "[{\"type\":\"ipv4\",\"value\":\"999.1.1.1\"}]")),
        ["field: indicator ipv4 with leading zeros"] = Body(With("indicators", "[{\"type\":\"ipv4\",\"value\":\"010.0.0.1\"}]")),
        ["field: indicator ipv6 not an address"] = Body(With("indicators", "[{\"type\":\"ipv6\",\"value\":\"2001:db8::g\"}]")),
        ["field: indicator domain with underscore"] = Body(With("indicators", "[{\"type\":\"domain\",\"value\":\"bad_label.example\"}]")),
        ["field: indicator url relative"] = Body(With("indicators", "[{\"type\":\"url\",\"value\":\"results.example/login\"}]")),
        ["field: indicator email without domain"] = Body(With("indicators", "[{\"type\":\"email\",\"value\":\"user@\"}]")),
        ["field: indicator sha256 too short"] = Body(With("indicators", "[{\"type\":\"sha256\",\"value\":\"9f86d081\"}]")),
        ["field: 501 indicators"] = Body(With("indicators", JsonSerializer.Serialize(Enumerable.Range(0, 501).Select(i => new { type = "domain", value = $"d{i}.example" })))),
        ["field: state XX"] = Body(With("jurisdiction", "{\"state\":\"XX\"}")),
        ["field: county outside the state"] = Body(With("jurisdiction", "{\"state\":\"GA\",\"countyFips\":\"06037\"}")),
        ["field: county 4 digits"] = Body(With("jurisdiction", "{\"state\":\"GA\",\"countyFips\":\"1312\"}")),
        ["field: jurisdiction without state"] = Body(With("jurisdiction", "{\"countyFips\":\"13121\"}")),
        ["field: contact email invalid"] = Body(With("contact", "{\"email\":\"<script>@\"}")),
        ["field: contact phone letters"] = Body(With("contact", "{\"phone\":\"call me\"}")),
        ["field: unknown top-level field"] = Body(With("partnerId", "\"someone-else\"")),
        ["field: unknown nested field"] = Body(With("jurisdiction", "{\"state\":\"GA\",\"county\":\"Fulton\"}")),
        ["field: partnerReference with script"] = Body(With("partnerReference", "\"<img src=x onerror=alert(1)>\"")),

        // STIX 2.1
        ["stix: not a bundle"] = Stix("{\"type\":\"report\"}"),
        ["stix: array"] = Stix("[]"),
        // A bundle without a report, or with two, is no longer refused (issue 19): one with nothing to report is.
        ["stix: nothing to report"] = Stix(Bundle(b => { var identity = b["objects"]![0]!.DeepClone(); b["objects"] = new JsonArray(identity); })),
        ["stix: report without published"] = Stix(Bundle(b => b["objects"]![6]!.AsObject().Remove("published"))),
        ["stix: modified before created"] = Stix(Bundle(b => b["objects"]![6]!["modified"] = "2020-01-01T00:00:00Z")),
        ["stix: STIX 2.0 object without spec_version"] = Stix(Bundle(b => b["objects"]![3]!.AsObject().Remove("spec_version"))),
        ["stix: bad id"] = Stix(Bundle(b => b["objects"]![1]!["id"] = "location--nope")),
        ["stix: spec_version 2.0"] = Stix(Bundle(b => b["objects"]![3]!["spec_version"] = "2.0")),
        ["stix: indicator with an address that is none"] = Stix(Bundle(b => b["objects"]!.AsArray().First(o => o!["type"]!.GetValue<string>() == "indicator")!["pattern"] = "[ipv4-addr:value = '999.1.1.1']")),
        ["stix: indicator with a relative URL"] = Stix(Bundle(b => b["objects"]!.AsArray().First(o => o!["type"]!.GetValue<string>() == "indicator")!["pattern"] = "[url:value = '/login']")),
        ["stix: effect outside the vocabulary"] = Stix(Bundle(b => b["objects"]![6]!["x_electionfunctions_effects"] = new JsonArray("vibes")), "validation"),
        ["stix: future published"] = Stix(Bundle(b => b["objects"]![6]!["published"] = DateTimeOffset.UtcNow.AddDays(2).ToString("yyyy-MM-ddTHH:mm:ssZ")), "validation"),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Fact]
    public void The_suite_has_at_least_60_distinct_requests() => Assert.True(Cases.Count >= 60, $"{Cases.Count} cases");

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_bad_request_gets_its_exact_status_and_problem_type_and_writes_nothing(string name)
    {
        var @case = Cases[name];
        var before = await SnapshotAsync();
        using var request = @case.Request(stack);
        using var response = await stack.Http.SendAsync(request, Cancel);

        Assert.Equal(@case.Status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal("urn:electionfunctions:problem:" + @case.Type, problem.GetProperty("type").GetString());
        Assert.Equal(@case.Status, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain("   at ", text); // no stack trace
        Assert.True(Encoding.UTF8.GetByteCount(text) < 64 * 1024, $"{Encoding.UTF8.GetByteCount(text)} bytes");
        if (@case.Status == 401) Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        if (@case.Type == "validation") Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task The_nothing_written_check_sees_a_write()
    {
        var before = await SnapshotAsync();
        using var request = Post(stack, Encoding.UTF8.GetBytes(With("title", "\"control " + Guid.NewGuid() + "\"")));
        using var response = await stack.Http.SendAsync(request, Cancel);
        Assert.Equal(202, (int)response.StatusCode);
        var after = await SnapshotAsync();
        Assert.Equal(before with { Blobs = before.Blobs + 1, Documents = before.Documents + 1, IntakeMessages = before.IntakeMessages + 1 }, after);
    }

    private sealed record Snapshot(int Blobs, int Documents, int IntakeMessages, int OtherMessages);

    private async Task<Snapshot> SnapshotAsync()
    {
        var blobs = 0;
        await foreach (var _ in stack.Service<BlobServiceClient>().GetBlobContainerClient(BlobContainers.Submissions).GetBlobsAsync(cancellationToken: Cancel)) blobs++;

        var options = stack.Service<IOptions<CosmosOptions>>().Value;
        var documents = 0;
        using (var iterator = stack.Service<CosmosClient>().GetContainer(options.Database, options.ReportsContainer)
            .GetItemQueryIterator<JsonElement>("SELECT c.id FROM c"))
        {
            while (iterator.HasMoreResults) documents += (await iterator.ReadNextAsync(Cancel)).Count;
        }

        var queues = stack.Service<QueueServiceClient>();
        async Task<int> Count(string name) => (await queues.GetQueueClient(name).GetPropertiesAsync(Cancel)).Value.ApproximateMessagesCount;
        var others = 0;
        foreach (var name in new[] { QueueNames.Route, QueueNames.IntakePoison, QueueNames.RoutePoison }.Concat(StorageInitializer.AgencyQueues))
            others += await Count(name);
        return new Snapshot(blobs, documents, await Count(QueueNames.Intake), others);
    }
}

internal static class NodeExtensions
{
    public static T Also<T>(this T value, Action<T> change)
    {
        change(value);
        return value;
    }
}
