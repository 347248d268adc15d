namespace ElectionFunctions.Security;

/// <summary>Entra ID app roles (ARCHITECTURE.md, "Identity and access").</summary>
public static class AppRoles
{
    public const string Submit = "Reports.Submit";
    public const string Read = "Reports.Read";
    public const string CompilePackages = "Packages.Compile";
    /// <summary>Operators: re-drive failed reports.</summary>
    public const string Admin = "Reports.Admin";
}
