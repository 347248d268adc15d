using ElectionFunctions.LocalHost;
using ElectionFunctions.Security;
using Microsoft.IdentityModel.Tokens;

namespace ElectionFunctions.TestSupport;

/// <summary>
/// A development signing key of its own (a file the host under test is pointed at) and the tokens it signs, shaped as
/// Entra ID issues them: partner (<c>azp</c>), app roles, lifetime. Deleted with the identity.
/// </summary>
public sealed class TestIdentity : IDisposable
{
    public const string Issuer = "https://electionfunctions.local/development/v2.0";
    public const string Audience = "electionfunctions-local";

    public TestIdentity(string? keyFile = null)
    {
        KeyFile = keyFile ?? Path.Combine(Path.GetTempPath(), $"electionfunctions-test-{Guid.NewGuid():N}.pem");
        DevelopmentTokens.EnsureKey(KeyFile);
        Key = DevelopmentAuthOptions.LoadKey(KeyFile);
    }

    public string KeyFile { get; }
    public SecurityKey Key { get; }

    /// <summary>The setting that makes a host trust this key (and refuse any other).</summary>
    public KeyValuePair<string, string?> Setting => new($"{DevelopmentAuthOptions.Section}:SigningKeyFile", KeyFile);

    public string Token(string partner, string[]? roles = null, TimeSpan? lifetime = null, DateTimeOffset? now = null,
        string issuer = Issuer, string audience = Audience, SecurityKey? key = null) =>
        DevelopmentTokens.Create(key ?? Key, issuer, audience, partner, roles ?? [AppRoles.Submit, AppRoles.Read],
            now ?? DateTimeOffset.UtcNow, lifetime ?? TimeSpan.FromMinutes(10));

    public void Dispose() => File.Delete(KeyFile);
}

/// <summary>The partners the suites act as, put in a host's partner registry.</summary>
public static class TestPartners
{
    public const string Partner = "test-partner";

    /// <summary>Registered partners: the one the tests act as, another for isolation, and one per fixture-specific use.</summary>
    public static readonly string[] Partners = [Partner, "other-partner", "hostile-partner"];

    /// <summary>Registered with 1 request per second and a burst of 3.</summary>
    public const string LimitedPartner = "limited-partner";

    /// <summary>
    /// The suite's partners (<see cref="Partners"/>), whose request limit is out of the way (they share a stack and send in
    /// bursts from tests running at once), and <see cref="LimitedPartner"/> with its own small limit (the registry's override).
    /// </summary>
    public static void RegisterAll(IDictionary<string, string?> settings)
    {
        foreach (var partner in Partners) Register(settings, partner);
        settings["RateLimit:RequestsPerSecond"] = "100000";
        settings["RateLimit:Burst"] = "100000";
        Register(settings, LimitedPartner);
        settings[$"Partners:Registry:{LimitedPartner}:RequestsPerSecond"] = "1";
        settings[$"Partners:Registry:{LimitedPartner}:Burst"] = "3";
    }

    /// <summary>Adds <paramref name="partner"/> to the partner registry in <paramref name="settings"/> (by default a Georgia election office).</summary>
    public static void Register(IDictionary<string, string?> settings, string partner, string kind = "state-election-office", string? state = "GA")
    {
        settings[$"Partners:Registry:{partner}:DisplayName"] = partner;
        settings[$"Partners:Registry:{partner}:Kind"] = kind;
        if (state is not null) settings[$"Partners:Registry:{partner}:State"] = state;
    }

    /// <summary>POST /api/reports as a partner sends it.</summary>
    public static HttpRequestMessage Submission(byte[] body, string token, string contentType = "application/json", string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/reports") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }
}
