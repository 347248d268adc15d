using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ElectionFunctions.Classification;

public static class ClassificationServices
{
    /// <summary>The rules (validated on start), the classifier and the queue handler.</summary>
    public static IServiceCollection AddClassification(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClassificationOptions>().Bind(configuration.GetSection(ClassificationOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClassificationOptions>, ClassificationOptionsValidator>();
        services.AddSingleton<Classifier>();
        services.AddSingleton<ClassifyHandler>();
        return services;
    }
}
