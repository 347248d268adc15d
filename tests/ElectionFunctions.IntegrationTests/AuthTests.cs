using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ElectionFunctions.Security;
using Microsoft.IdentityModel.Tokens;

namespace ElectionFunctions.IntegrationTests;

/// <summary>Microsoft.Identity.Web validation on every route, as the local host runs it.</summary>
public sealed class AuthTests(LocalStack stack)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string> BadTokens => ["none", "expired", "not-yet-valid", "wrong-audience", "wrong-issuer", "wrong-key", "garbage"];

    private string BadToken(string kind) => kind switch
    {
        "none" => "",
        "expired" => stack.Token(now: DateTimeOffset.UtcNow.AddHours(-2), lifetime: TimeSpan.FromMinutes(10)),
        "not-yet-valid" => stack.Token(now: DateTimeOffset.UtcNow.AddHours(2)),
        "wrong-audience" => stack.Token(audience: "someone-else"),
        "wrong-issuer" => stack.Token(issuer: "https://login.example.invalid/v2.0"),
        "wrong-key" => stack.Token(key: new RsaSecurityKey(RSA.Create(2048)) { KeyId = DevelopmentAuthOptions.KeyId }),
        _ => "not.a.jwt",
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Submissions_without_a_valid_token_get_401_problem_with_WWW_Authenticate(string kind)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports") { Content = JsonContent.Create(new { }) };
        if (kind != "none") request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BadToken(kind));
        using var response = await stack.Http.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("urn:electionfunctions:problem:unauthorized", problem.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("POST", "/api/reports", AppRoles.Read)]
    [InlineData("GET", "/api/reports/0123456789abcdef0123456789abcdef", AppRoles.Submit)]
    [InlineData("POST", "/api/elections/2026-11-03-general/package", AppRoles.Submit)]
    public async Task A_valid_token_without_the_routes_role_gets_403(string method, string path, string otherRole)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = JsonContent.Create(new { });
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stack.Token(roles: [otherRole]));
        using var response = await stack.Http.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("urn:electionfunctions:problem:forbidden", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Another_partners_report_is_not_found_exactly_like_a_missing_one()
    {
        using var submitted = await stack.SubmitAsync(Bodies.Incident("isolation " + Guid.NewGuid()));
        var reportId = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("reportId").GetString()!;

        async Task<(HttpStatusCode, string?)> Get(string id)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/reports/{id}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stack.Token("other-partner"));
            using var response = await stack.Http.SendAsync(request, Cancel);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            return (response.StatusCode, problem.GetProperty("detail").GetString());
        }

        var other = await Get(reportId);
        var missing = await Get(new string('0', 32));
        Assert.Equal(HttpStatusCode.NotFound, other.Item1);
        Assert.Equal(missing, other);
        // The owner still sees it.
        Assert.Equal(reportId, (await stack.GetReportAsync(reportId)).GetProperty("reportId").GetString());
    }
}
