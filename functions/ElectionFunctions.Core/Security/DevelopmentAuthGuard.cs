using ElectionFunctions.Storage;
using Microsoft.Extensions.Configuration;

namespace ElectionFunctions.Security;

/// <summary>
/// Development tokens are signed by a key file on this machine: accepting them anywhere but a developer's machine
/// would let whoever has that file act as any partner. So the app refuses to start with <c>DevelopmentAuth</c> set
/// when it runs in Azure or its Storage or Cosmos DB endpoints are not loopback, unless
/// <see cref="OverrideSetting"/> says, in its name, what the operator accepts.
/// </summary>
public static class DevelopmentAuthGuard
{
    public const string OverrideSetting = DevelopmentAuthOptions.Section + ":UnsafeAcceptDevelopmentTokensOutsideLoopback";

    /// <summary>App settings Azure sets on every Functions and App Service instance (and Container Apps).</summary>
    public static readonly string[] AzureMarkers = ["WEBSITE_INSTANCE_ID", "WEBSITE_SITE_NAME", "CONTAINER_APP_NAME"];

    /// <summary>Why development auth may not run with this configuration, or null when it may.</summary>
    public static string? Refusal(IConfiguration configuration)
    {
        if (configuration.GetValue(OverrideSetting, false)) return null;
        if (AzureMarkers.FirstOrDefault(m => !string.IsNullOrEmpty(configuration[m] ?? Environment.GetEnvironmentVariable(m))) is { } marker)
            return $"it runs in Azure ({marker} is set)";
        foreach (var (name, endpoint) in Endpoints(configuration))
            if (endpoint is null || !endpoint.IsLoopback) return $"{name} is not a loopback endpoint ({endpoint?.Host ?? "not set"})";
        return null;
    }

    public static void ThrowIfRefused(IConfiguration configuration)
    {
        if (Refusal(configuration) is { } why)
            throw new InvalidOperationException($"{DevelopmentAuthOptions.Section}:SigningKeyFile is set, but {why}. Development tokens are for a " +
                $"developer's machine; remove {DevelopmentAuthOptions.Section}, or set {OverrideSetting}=true if you accept that anyone with the key file can act as any partner.");
    }

    /// <summary>The Storage and Cosmos DB endpoints the app would use (null when one cannot be told).</summary>
    private static IEnumerable<(string Name, Uri? Endpoint)> Endpoints(IConfiguration configuration)
    {
        var storage = configuration.GetSection(QueueNames.Connection);
        if (storage.Value is { Length: > 0 } connection)
        {
            var parts = connection.Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
                .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
            if (parts.TryGetValue("UseDevelopmentStorage", out var development) && development.Equals("true", StringComparison.OrdinalIgnoreCase))
                yield return (QueueNames.Connection, new Uri("http://127.0.0.1"));
            else
            {
                // Without explicit endpoints the account is reached at its public Azure address.
                yield return ($"{QueueNames.Connection} BlobEndpoint", parts.TryGetValue("BlobEndpoint", out var blob) ? AsUri(blob) : null);
                yield return ($"{QueueNames.Connection} QueueEndpoint", parts.TryGetValue("QueueEndpoint", out var queue) ? AsUri(queue) : null);
            }
        }
        else
        {
            yield return ($"{QueueNames.Connection}__blobServiceUri", AsUri(storage["blobServiceUri"]));
            yield return ($"{QueueNames.Connection}__queueServiceUri", AsUri(storage["queueServiceUri"]));
        }
        yield return ("Cosmos:Endpoint", AsUri(configuration[$"{CosmosOptions.Section}:Endpoint"]));
    }

    private static Uri? AsUri(string? value) => Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : null;
}
