using System.Reflection;
using ElectionFunctions.LocalHost;
using ElectionFunctions.Security;

namespace ElectionFunctions.Tests;

/// <summary>Who may call each HTTP function is declared on it ([RequiresRole]) and checked before it by both hosts' gate.</summary>
public sealed class CallerRequirementTests
{
    /// <summary>The only routes anyone may call: probes, and the published contract.</summary>
    private static readonly string[] Anonymous = ["GetReportSchema", "Health", "WatchPage"];

    [Fact]
    public void Every_HTTP_function_declares_its_role_or_is_one_of_the_anonymous_routes()
    {
        var http = FunctionTriggers.Read(FunctionTriggers.App).Where(f => f.Http is not null).ToList();
        Assert.Equal(Anonymous, http.Where(f => f.Method.GetCustomAttribute<RequiresRoleAttribute>() is null).Select(f => f.Name).Order(StringComparer.Ordinal));
        var roles = http.Where(f => !Anonymous.Contains(f.Name)).ToDictionary(f => f.Name, f => f.Method.GetCustomAttribute<RequiresRoleAttribute>()!);
        Assert.Equal(new Dictionary<string, (string, bool)>
        {
            ["SubmitReport"] = (AppRoles.Submit, true),
            ["GetReport"] = (AppRoles.Read, true),
            ["RetryReport"] = (AppRoles.Admin, false),
            ["CompilePackageOnDemand"] = (AppRoles.CompilePackages, false),
            ["GetIncidentOfReport"] = (AppRoles.Admin, false),
            ["GetIncidentOfKey"] = (AppRoles.Admin, false),
            ["FollowUpReport"] = (AppRoles.Submit, true),
            ["AcknowledgeReport"] = (string.Join("' or '", AppRoles.AgencyOdni, AppRoles.AgencyDhs, AppRoles.AgencyDoj, AppRoles.AgencyTreasury), false),
            ["WatchData"] = ($"{AppRoles.WatchRead}' or '{AppRoles.Admin}", false),
        }, roles.Where(r => !r.Key.StartsWith("Taxii", StringComparison.Ordinal)).ToDictionary(r => r.Key, r => (r.Value.Role, r.Value.RegisteredPartner)));
        // TAXII: partners push and agencies pull on the same routes; which collection a caller sees is the handler's.
        string[] taxiiRoles = [AppRoles.Submit, AppRoles.AgencyOdni, AppRoles.AgencyDhs, AppRoles.AgencyDoj, AppRoles.AgencyTreasury];
        var taxii = roles.Where(r => r.Key.StartsWith("Taxii", StringComparison.Ordinal)).ToList();
        Assert.Equal(10, taxii.Count);
        Assert.All(taxii, r => Assert.True(r.Value.Roles.SequenceEqual(taxiiRoles) && r.Value.PartnerIfRegistered && !r.Value.RegisteredPartner, r.Key));
    }
}
