using ElectionFunctions.LocalHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace ElectionFunctions.IntegrationTests;

public sealed class LocalHostConfigurationTests
{
    [Fact]
    public void The_data_files_come_first_so_every_other_layer_overrides_them()
    {
        var configuration = new ConfigurationManager();
        configuration.AddEnvironmentVariables();
        LocalHostApp.Configure(configuration);

        Assert.Equal(ElectionSettings.Files, configuration.Sources.Take(2).Select(s => Assert.IsType<JsonConfigurationSource>(s).Path));
        Assert.Contains(Assert.IsType<MemoryConfigurationSource>(configuration.Sources[2]).InitialData!, d => d.Key == "urls");
        // A local layer (here the local host's defaults, as local.settings.json would) beats a data file's value.
        configuration.Sources.Insert(3, new MemoryConfigurationSource { InitialData = new Dictionary<string, string?> { ["Classification:Version"] = "local" } });
        Assert.Equal("local", configuration["Classification:Version"]);
    }
}
