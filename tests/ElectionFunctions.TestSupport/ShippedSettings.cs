using ElectionFunctions.Classification;
using ElectionFunctions.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.TestSupport;

/// <summary>The settings the app ships (electionsettings.json, classification-rules.json), loaded as the hosts load them.</summary>
public static class ShippedSettings
{
    public static readonly IConfiguration Configuration = new ConfigurationBuilder().AddElectionSettingsDefaults().Build();

    public static readonly ClassificationOptions Rules = Configuration.GetSection(ClassificationOptions.Section).Get<ClassificationOptions>()!;

    public static readonly RoutingOptions Routing = Configuration.GetSection(RoutingOptions.Section).Get<RoutingOptions>()!;

    public static Classifier Classifier(TimeProvider? time = null) => new(Options.Create(Rules), time ?? TimeProvider.System);

    public static RoutingDecider Decider() => new(Options.Create(Routing));
}
