using System.Reflection;
using System.Text.Json;

namespace ElectionFunctions.Tests;

/// <summary>docs/openapi.json documents exactly the HTTP functions the Functions host will serve.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public void Documents_every_http_function_and_nothing_else()
    {
        using var openApi = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "openapi.json")));
        var documented = openApi.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name}"))
            .Order(StringComparer.Ordinal);

        var configuration = typeof(OpenApiDocumentTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "functions", "ElectionFunctions", "bin", configuration, "net10.0", "functions.metadata")));
        var functions = metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
            .SelectMany(b => b.GetProperty("methods").EnumerateArray().Select(m => $"{m.GetString()!.ToUpperInvariant()} /{b.GetProperty("route").GetString()}"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(functions, documented);
    }
}
