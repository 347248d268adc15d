using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace ElectionFunctions;

/// <summary>
/// electionsettings.json and classification-rules.json hold the defaults that are data rather than
/// deployment settings (elections calendar, routing matrix, classification rules). They go first, so
/// app settings and environment variables override them.
/// </summary>
public static class ElectionSettings
{
    public const string FileName = "electionsettings.json";
    public const string RulesFileName = "classification-rules.json";

    /// <summary>The data files, in the order they are layered: the first sources of the configuration.</summary>
    public static readonly string[] Files = [FileName, RulesFileName];

    public static IConfigurationBuilder AddElectionSettingsDefaults(this IConfigurationBuilder configuration)
    {
        foreach (var file in Files.Reverse())
        {
            configuration.Sources.Insert(0, new JsonConfigurationSource
            {
                Path = file,
                Optional = false,
                FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
            });
        }
        return configuration;
    }
}
