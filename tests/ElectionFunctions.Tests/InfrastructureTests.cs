using ElectionFunctions.Operations;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using ElectionFunctions.Intake;
using ElectionFunctions.Routing;
using ElectionFunctions.Storage;

namespace ElectionFunctions.Tests;

/// <summary>infra/: the Bicep builds and lints clean (bicepconfig.json makes every rule an error), and its app settings are the app's.</summary>
public sealed partial class InfrastructureTests
{
    private static string Infra => Path.Combine(TestPaths.RepositoryRoot, "infra");

    private static (int ExitCode, string Output) Bicep(params string[] arguments)
    {
        var path = typeof(InfrastructureTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;
        // NuGet does not keep the executable bit.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Infra };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + errors);
    }

    [Fact]
    public void Main_bicep_builds_without_a_diagnostic()
    {
        var (exit, output) = Bicep("build", "main.bicep", "--stdout");
        Assert.Equal(0, exit);
        Assert.DoesNotContain(": Warning ", output);
        Assert.DoesNotContain(": Error ", output);
        Assert.Contains("\"$schema\"", output);
    }

    [Fact]
    public void Every_bicep_file_lints_clean()
    {
        foreach (var file in Directory.GetFiles(Infra, "*.bicep", SearchOption.AllDirectories))
        {
            var (exit, output) = Bicep("lint", file);
            Assert.True(exit == 0 && output.Trim().Length == 0, $"{Path.GetFileName(file)}: {output}");
        }
    }

    /// <summary>Read by the Functions host or present in one place only, each for a stated reason.</summary>
    private static readonly Dictionary<string, string> Exceptions = new()
    {
        ["FUNCTIONS_WORKER_RUNTIME"] = "local func start; on Flex Consumption the runtime is functionAppConfig.runtime",
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "read by the Functions host in Azure",
        ["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] = "read by the Functions host in Azure",
        ["DevelopmentAuth__SigningKeyFile"] = "local development signing key: never in Azure",
    };

    /// <summary>The settings the app binds: connection names and option properties.</summary>
    private static bool IsReadByTheApp(string name)
    {
        var parts = name.Split("__");
        return parts[0] switch
        {
            "AzureWebJobsStorage" or "ServiceBusConnection" => parts.Length == 1 || parts[1] is "blobServiceUri" or "queueServiceUri" or "fullyQualifiedNamespace" or "clientId" or "credential",
            "Cosmos" => parts[1] == "clientId" || typeof(CosmosOptions).GetProperty(parts[1]) is not null,
            "Intake" => typeof(IntakeOptions).GetProperty(parts[1]) is not null,
            "RateLimit" => typeof(ElectionFunctions.Security.RateLimitOptions).GetProperty(parts[1]) is not null,
            "Routing" => typeof(RoutingOptions).GetProperty(parts[1]) is not null,
            "Partners" => parts.Length == 4 && parts[1] == "Registry" && typeof(Partner).GetProperty(parts[3]) is not null,
            "AzureAd" => parts[1] is "Instance" or "TenantId" or "ClientId",
            "PackageSchedule" or "ReconcileSchedule" or "AcknowledgementSchedule" => true,
            "Reconciliation" => typeof(ReconciliationOptions).GetProperty(parts[1]) is not null,
            _ => false,
        };
    }

    /// <summary>A setting family: local connection strings and Azure identity-based parts (__clientId, __credential, service URIs) are one family.</summary>
    private static string Family(string name)
    {
        var parts = name.Split("__");
        if (parts[0] is "AzureWebJobsStorage") return parts[0];
        if (parts[^1] is "clientId" or "credential") return string.Join("__", parts[..^1]) + "__<identity>";
        if (parts[0] == "Partners") return "Partners__Registry__<client>__" + parts[^1];
        return name;
    }

    [Fact]
    public void Bicep_app_settings_and_the_local_sample_hold_the_same_settings_and_all_are_read_by_the_app()
    {
        var bicep = File.ReadAllText(Path.Combine(Infra, "modules", "functionapp.bicep"));
        var azure = AppSetting().Matches(bicep).Select(m => m.Groups[1].Value)
            // The registry's names are built per partner: Partners__Registry__${p.key}__DisplayName.
            .Concat(PartnerSetting().Matches(bicep).Select(m => "Partners__Registry__client__" + m.Groups[1].Value)).ToList();
        Assert.Contains("Partners__Registry__client__DisplayName", azure);
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "local.settings.sample.json")));
        var local = sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToList();

        Assert.All(azure.Concat(local).Where(n => !Exceptions.ContainsKey(n)), n => Assert.True(IsReadByTheApp(n), $"{n} is not a setting the app reads"));
        var azureFamilies = azure.Where(n => !Exceptions.ContainsKey(n)).Select(Family).Where(f => !f.EndsWith("__<identity>")).ToHashSet();
        var localFamilies = local.Where(n => !Exceptions.ContainsKey(n)).Select(Family).ToHashSet();
        Assert.Equal(localFamilies.Order(StringComparer.Ordinal), azureFamilies.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(azure, n => n.StartsWith("DevelopmentAuth", StringComparison.Ordinal));
        Assert.DoesNotContain(azure, n => n.Contains("Key", StringComparison.OrdinalIgnoreCase) || n.Contains("ConnectionString", StringComparison.Ordinal) && !n.StartsWith("APPLICATIONINSIGHTS", StringComparison.Ordinal));
    }

    /// <summary>Issue 14's infrastructure: telemetry accepted from the app's identity, private networking, the lock, audit logs.</summary>
    [Fact]
    public void The_template_grants_telemetry_offers_private_networking_a_lock_and_audit_logs()
    {
        var (exit, output) = Bicep("build", "main.bicep", "--stdout");
        Assert.Equal(0, exit);
        using var template = JsonDocument.Parse(output);
        var parameters = template.RootElement.GetProperty("parameters");
        Assert.Equal(["Enabled", "Disabled"], parameters.GetProperty("publicNetworkAccess").GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()));
        Assert.False(parameters.GetProperty("privateEndpoints").GetProperty("defaultValue").GetBoolean());
        Assert.Equal("Unlocked", parameters.GetProperty("submissionsImmutability").GetProperty("defaultValue").GetString());
        Assert.Equal(["Unlocked", "Lock", "Locked"], parameters.GetProperty("submissionsImmutability").GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()));

        // Monitoring Metrics Publisher, on Application Insights, for the app's identity.
        Assert.Contains("3913510d-42f4-4e42-8a64-420c390055eb", output);
        foreach (var type in new[] { "Microsoft.Network/privateEndpoints", "Microsoft.Network/privateDnsZones", "Microsoft.Resources/deploymentScripts", "Microsoft.Insights/diagnosticSettings" })
            Assert.Contains($"\"type\": \"{type}\"", output);
        foreach (var category in new[] { "StorageRead", "StorageWrite", "StorageDelete", "DataPlaneRequests", "RuntimeAuditLogs", "FunctionAppLogs" })
            Assert.Contains(category, output);
        foreach (var module in new[] { "storage.bicep", "cosmos.bicep", "servicebus.bicep" })
            Assert.Contains("publicNetworkAccess: publicNetworkAccess", File.ReadAllText(Path.Combine(Infra, "modules", module)));
    }

    [GeneratedRegex(@"\{ name: '([^'$]+)', value:")]
    private static partial Regex AppSetting();

    [GeneratedRegex(@"name: 'Partners__Registry__\$\{p\.key\}__(\w+)'")]
    private static partial Regex PartnerSetting();

    [Fact]
    public void Every_path_the_report_queries_filter_or_order_on_is_indexed_in_Azure()
    {
        // The emulator indexes everything; Cosmos DB refuses a filter on a path the container's policy excludes.
        var store = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "functions", "ElectionFunctions.Core", "Storage", "ReportStore.cs"));
        var used = QueryPaths().Matches(string.Concat(SqlText().Matches(store).Select(m => m.Groups["where"].Value)))
            .Select(m => "/" + m.Groups["path"].Value.Replace('.', '/') + "/?").ToHashSet(StringComparer.Ordinal);
        Assert.Contains("/nextAlertAt/?", used);
        var cosmos = File.ReadAllText(Path.Combine(Infra, "modules", "cosmos.bicep"));
        var reports = cosmos[cosmos.IndexOf("name: 'reports'", StringComparison.Ordinal)..];
        var indexed = IndexedPath().Matches(reports[..reports.IndexOf("excludedPaths", StringComparison.Ordinal)]).Select(m => m.Groups["path"].Value).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(used.Except(indexed));
    }

    /// <summary>The WHERE and ORDER BY parts of the SQL text in ReportStore (what Cosmos DB needs indexed).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"(?:WHERE|ORDER BY|AND|OR)(?<where>[^""]*)")]
    private static partial System.Text.RegularExpressions.Regex SqlText();

    [System.Text.RegularExpressions.GeneratedRegex(@"\bc\.(?<path>[A-Za-z_][A-Za-z0-9_.]*)")]
    private static partial System.Text.RegularExpressions.Regex QueryPaths();

    [System.Text.RegularExpressions.GeneratedRegex(@"path: '(?<path>[^']+)'")]
    private static partial System.Text.RegularExpressions.Regex IndexedPath();
}
