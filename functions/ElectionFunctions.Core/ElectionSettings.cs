using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace ElectionFunctions;

/// <summary>
/// electionsettings.json holds the defaults that are data rather than deployment settings (elections
/// calendar, routing matrix). It goes first, so app settings and environment variables override it.
/// </summary>
public static class ElectionSettings
{
    public const string FileName = "electionsettings.json";

    public static IConfigurationBuilder AddElectionSettingsDefaults(this IConfigurationBuilder configuration)
    {
        configuration.Sources.Insert(0, new JsonConfigurationSource
        {
            Path = FileName,
            Optional = false,
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
        });
        return configuration;
    }
}
