using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectionFunctions.Reporting;

public static class ReportingServices
{
    /// <summary>The elections calendar (validated on start) and the 45-day package: its store, compiler and handler.</summary>
    public static IServiceCollection AddReporting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ElectionsOptions>().Bind(configuration.GetSection(ElectionsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PackageStore>();
        services.AddSingleton<PackageCompiler>();
        services.AddSingleton<PackageHandler>();
        return services;
    }
}
