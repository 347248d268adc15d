using ElectionFunctions.Intake;
using ElectionFunctions.Watch;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectionFunctions.Acknowledgements;

public static class AcknowledgementServices
{
    /// <summary>Closing the loop on election night: agencies' acknowledgements, partners' follow-ups, the overdue check and the Election Day Watch.</summary>
    public static IServiceCollection AddAcknowledgements(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AcknowledgementOptions>().Bind(configuration.GetSection(AcknowledgementOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WatchOptions>().Bind(configuration.GetSection(WatchOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AcknowledgementHandler>();
        services.AddSingleton<OverdueAcknowledgements>();
        services.AddSingleton<FollowUpHandler>();
        services.AddSingleton<WatchHandler>();
        return services;
    }
}
