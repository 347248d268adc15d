using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ElectionFunctions.Security;

/// <summary>
/// Development signing (configuration section <c>DevelopmentAuth</c>): the same Microsoft.Identity.Web
/// validation, against a local RSA key and issuer instead of Entra ID's metadata. Never set in Azure.
/// </summary>
public sealed class DevelopmentAuthOptions
{
    public const string Section = "DevelopmentAuth";
    public const string KeyId = "electionfunctions-development";

    /// <summary>PEM file with the local RSA key; empty in Azure.</summary>
    public string? SigningKeyFile { get; set; }

    public string Issuer { get; set; } = "https://electionfunctions.local/development/v2.0";

    public static RsaSecurityKey LoadKey(string path)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(path));
        return new RsaSecurityKey(rsa) { KeyId = KeyId };
    }
}

public static class PartnerAuthentication
{
    /// <summary>Entra ID bearer validation (issuer, audience, signature, lifetime) with Microsoft.Identity.Web, section <c>AzureAd</c>.</summary>
    public static IServiceCollection AddPartnerAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddMicrosoftIdentityWebApi(configuration.GetSection("AzureAd"), JwtBearerDefaults.AuthenticationScheme);

        var development = configuration.GetSection(DevelopmentAuthOptions.Section).Get<DevelopmentAuthOptions>();
        if (development?.SigningKeyFile is { Length: > 0 } keyFile)
        {
            DevelopmentAuthGuard.ThrowIfRefused(configuration);
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
            {
                var key = DevelopmentAuthOptions.LoadKey(keyFile);
                var metadata = new OpenIdConnectConfiguration { Issuer = development.Issuer };
                metadata.SigningKeys.Add(key);
                options.Configuration = metadata;
                options.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(metadata);
                options.TokenValidationParameters.IssuerValidator = null;
                options.TokenValidationParameters.ValidIssuer = development.Issuer;
                options.TokenValidationParameters.IssuerSigningKey = key;
            });
        }
        services.AddSingleton<CallerGate>();
        return services;
    }
}
