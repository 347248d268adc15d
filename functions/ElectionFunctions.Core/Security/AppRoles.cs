namespace ElectionFunctions.Security;

/// <summary>Entra ID app roles (ARCHITECTURE.md, "Identity and access").</summary>
public static class AppRoles
{
    public const string Submit = "Reports.Submit";
    public const string Read = "Reports.Read";
    public const string CompilePackages = "Packages.Compile";
    /// <summary>Operators: re-drive failed reports.</summary>
    public const string Admin = "Reports.Admin";

    /// <summary>Operators' wall screens: the Election Day Watch's data (Reports.Admin may read it too).</summary>
    public const string WatchRead = "Watch.Read";

    /// <summary>An agency's own principal (one role per agency): reads that agency's TAXII collection, and nothing of another's.</summary>
    public const string AgencyOdni = "Agency.ODNI", AgencyDhs = "Agency.DHS", AgencyDoj = "Agency.DOJ", AgencyTreasury = "Agency.Treasury";

    /// <summary>The agency an agency role stands for (the routing matrix's names), or null.</summary>
    public static string? AgencyOf(string role) => role switch
    {
        AgencyOdni => "odni",
        AgencyDhs => "dhs",
        AgencyDoj => "doj",
        AgencyTreasury => "treasury",
        _ => null,
    };
}
