namespace ElectionFunctions.Classification;

/// <summary>The report categories of DOMAIN.md, in the order's own terms.</summary>
public static class Categories
{
    public const string ElectionInfrastructure = "election-infrastructure";
    public const string CampaignInfrastructure = "campaign-infrastructure";
    public const string InfluenceOperation = "influence-operation";
    public const string IllicitFinance = "illicit-finance";
    public const string OutOfScope = "out-of-scope";
}

public static class Severities
{
    public const string Critical = "critical";
    public const string High = "high";
    public const string Moderate = "moderate";
    public const string Low = "low";
}
