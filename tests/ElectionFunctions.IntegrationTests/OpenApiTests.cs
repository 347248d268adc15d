using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ElectionFunctions.Security;
using Json.Schema;
using Microsoft.AspNetCore.Routing;

namespace ElectionFunctions.IntegrationTests;

/// <summary>docs/openapi.json against the running routes: the same operations, and real answers that match what it documents.</summary>
[Collection(PackageCompiles.Name)]
public sealed class OpenApiTests(LocalStack stack)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;
    private static readonly JsonObject OpenApi = Load();

    private static JsonObject Load()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "ElectionFunctions.sln"))) root = Path.GetDirectoryName(root)!;
        return JsonNode.Parse(File.ReadAllText(Path.Combine(root, "docs", "openapi.json")))!.AsObject();
    }

    [Fact]
    public void Documents_exactly_the_local_hosts_routes()
    {
        var documented = OpenApi["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => $"{m.Key.ToUpperInvariant()} {p.Key}"))
            .Order(StringComparer.Ordinal);
        var served = stack.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .Order(StringComparer.Ordinal);
        Assert.Equal(documented, served);
    }

    [Fact]
    public async Task Real_answers_have_documented_statuses_and_match_the_documented_schemas()
    {
        var body = Bodies.Incident("openapi " + Guid.NewGuid());
        var accepted = await CheckAsync("/api/reports", "post", Post("/api/reports", body, stack.Token()), HttpStatusCode.Accepted);
        await CheckAsync("/api/reports", "post", Post("/api/reports", body, stack.Token()), HttpStatusCode.OK);
        await CheckAsync("/api/reports", "post", Post("/api/reports", "{}", stack.Token()), HttpStatusCode.UnprocessableEntity);
        await CheckAsync("/api/reports", "post", Post("/api/reports", "{", stack.Token()), HttpStatusCode.BadRequest);
        await CheckAsync("/api/reports", "post", Post("/api/reports", body, null), HttpStatusCode.Unauthorized);
        await CheckAsync("/api/reports", "post", Post("/api/reports", body, stack.Token(roles: [AppRoles.Read])), HttpStatusCode.Forbidden);

        var reportId = accepted.GetProperty("reportId").GetString()!;
        await stack.WaitForStatusAsync(reportId, "routed", TimeSpan.FromSeconds(10));
        await CheckAsync("/api/reports/{reportId}", "get", Get($"/api/reports/{reportId}", stack.Token()), HttpStatusCode.OK);
        await CheckAsync("/api/reports/{reportId}", "get", Get($"/api/reports/{new string('0', 32)}", stack.Token()), HttpStatusCode.NotFound);

        await CheckAsync("/api/reports/{reportId}/retry", "post", Post($"/api/reports/{reportId}/retry", "", stack.Token("operator", [AppRoles.Admin])), HttpStatusCode.Conflict);

        var compile = stack.Token("operator", [AppRoles.CompilePackages]);
        await CheckAsync("/api/elections/{electionId}/package", "post", Post("/api/elections/2026-11-03-general/package", "", compile), HttpStatusCode.Created);
        await CheckAsync("/api/elections/{electionId}/package", "post", Post("/api/elections/1999-11-02-general/package", "", compile), HttpStatusCode.NotFound);

        await CheckAsync("/api/schemas/report-v1.json", "get", Get("/api/schemas/report-v1.json", null), HttpStatusCode.OK);
        var health = await CheckAsync("/api/health", "get", Get("/api/health", null), HttpStatusCode.OK);
        Assert.Equal(["blob", "queue", "cosmos"], health.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    private static HttpRequestMessage Post(string path, string body, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static HttpRequestMessage Get(string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>Sends; asserts the status is the expected one and documented; validates the body against the documented schema.</summary>
    private async Task<JsonElement> CheckAsync(string path, string method, HttpRequestMessage request, HttpStatusCode expected)
    {
        using var _ = request;
        using var response = await stack.Http.SendAsync(request, Cancel);
        Assert.Equal(expected, response.StatusCode);
        var documented = OpenApi["paths"]![path]![method]!["responses"]![((int)response.StatusCode).ToString()];
        Assert.True(documented is not null, $"{method.ToUpperInvariant()} {path} answered {(int)response.StatusCode}, which docs/openapi.json does not document.");

        var mediaType = response.Content.Headers.ContentType!.MediaType!;
        var schema = documented!["content"]?[mediaType]?["schema"];
        Assert.True(schema is not null, $"{(int)response.StatusCode} answered {mediaType}, which is not documented.");
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.Clone();
        var result = Compile(schema!).Evaluate(json, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{method.ToUpperInvariant()} {path} {(int)response.StatusCode}: {json.GetRawText()} does not match {schema!.ToJsonString()}: " +
            string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Value}"))));
        return json;
    }

    /// <summary>An OpenAPI 3.1 schema is JSON Schema 2020-12: the components become $defs of one document.</summary>
    private static JsonSchema Compile(JsonNode schema)
    {
        var definitions = OpenApi["components"]!["schemas"]!.ToJsonString().Replace("#/components/schemas/", "#/$defs/");
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = JsonNode.Parse(definitions),
        };
        foreach (var (key, value) in JsonNode.Parse(schema.ToJsonString().Replace("#/components/schemas/", "#/$defs/"))!.AsObject().ToList())
            root[key] = value?.DeepClone();
        // The request body's external reference (schemas/report-v1.json) never appears in a response schema.
        return JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }
}
