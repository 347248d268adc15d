using ElectionFunctions.Reporting;
using ElectionFunctions.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Intake;

public static class IntakeServices
{
    /// <summary>The intake: limits, the partner registry and its rate limit, the schema, STIX mapping, validation, the handler.</summary>
    public static IServiceCollection AddIntake(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IntakeOptions>().Bind(configuration.GetSection(IntakeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PartnerOptions>().Bind(configuration.GetSection(PartnerOptions.Section))
            .Validate(o => o.Registry.Values.All(p => p.RequestsPerSecond is null or >= 1 && p.Burst is null or >= 1),
                "A partner's RequestsPerSecond and Burst, when set, are at least 1.")
            .ValidateOnStart();
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PartnerRateLimiter>();
        services.AddSingleton<ReportSchema>();
        services.AddSingleton<StixBundleMapper>();
        services.AddSingleton(sp => new SubmissionValidator(
            sp.GetRequiredService<ReportSchema>(),
            sp.GetRequiredService<IOptions<ElectionsOptions>>().Value,
            sp.GetRequiredService<IOptions<IntakeOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<SubmissionReader>();
        services.AddSingleton<IntakeHandler>();
        services.AddSingleton<ReportStatusHandler>();
        return services;
    }
}
